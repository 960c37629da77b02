"""Writing schedules back into the notes (`sync`): scheduling comments and `sr-*` frontmatter."""
