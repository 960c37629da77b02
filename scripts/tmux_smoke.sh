#!/usr/bin/env bash
# Smoke test of the real TUI in a real terminal (tmux, 100 x 30): a fresh database
# in a temp dir (so the first run imports the bundled deck), start a review, show
# the answer, grade one card Good; then walk every area as a new user would (decks,
# review, notes, practice, stats, browse) and type a letter into each text box (the
# practice answer, the browse search, the import dialog's path): the letter must land
# in the box, not switch the area, and the mode bar must show the keys that work
# while typing (alt+letter); quit; then check with `srs-dl history` and
# `srs-dl cards --json` that the review was stored.
# Waits for text only the loaded screen shows, never fixed sleeps. Exits non-zero
# on failure, printing the captured pane.
#
# Usage: scripts/tmux_smoke.sh            (SRS_DL=/path/to/srs-dl to pick the binary)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -n "${SRS_DL:-}" ]]; then
    srs="$SRS_DL"
elif [[ -x "$here/.venv/bin/srs-dl" ]]; then
    srs="$here/.venv/bin/srs-dl"
else
    srs="$(command -v srs-dl)" || { echo "tmux_smoke: srs-dl not found" >&2; exit 2; }
fi
if [[ -x "$here/.venv/bin/python" ]]; then py="$here/.venv/bin/python"; else py="$(command -v python3)"; fi
command -v tmux >/dev/null || { echo "tmux_smoke: tmux is not installed" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/srs-dl-smoke.XXXXXX")"
session="srs-dl-smoke-$$"
# A tmux server of our own (own socket): no other session is touched or raced.
tmux=(tmux -L "srs-dl-smoke-$$")
db="$work/srs.db"
timeout_s="${SMOKE_TIMEOUT:-30}"

cleanup() {
    "${tmux[@]}" kill-server 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

pane() { "${tmux[@]}" capture-pane -p -t "$session" 2>/dev/null || true; }

fail() {
    echo "tmux_smoke: FAIL: $*" >&2
    echo "----- captured pane -----" >&2
    pane >&2
    echo "-------------------------" >&2
    exit 1
}

# wait_for TEXT: poll the pane until TEXT shows (or the timeout passes).
wait_for() {
    local text="$1" deadline=$((SECONDS + timeout_s))
    until pane | grep -qF -- "$text"; do
        if [[ -f "$work/exit" ]] && [[ "$text" != EXITED* ]]; then
            fail "the app exited (status $(cat "$work/exit")) before showing '$text'"
        fi
        (( SECONDS < deadline )) || fail "timed out after ${timeout_s}s waiting for '$text'"
        sleep 0.1
    done
}

# wait_gone TEXT: poll until TEXT is no longer on the pane.
wait_gone() {
    local text="$1" deadline=$((SECONDS + timeout_s))
    while pane | grep -qF -- "$text"; do
        (( SECONDS < deadline )) || fail "timed out after ${timeout_s}s waiting for '$text' to go"
        sleep 0.1
    done
}

"${tmux[@]}" new-session -d -s "$session" -x 100 -y 30 \
    "env TERM=xterm-256color TEXTUAL_ANIMATIONS=none '$srs' --db '$db'; echo \$? > '$work/exit'; echo EXITED:\$(cat '$work/exit'); sleep 60"

# The deck list, loaded: the tree's root and the deck's keys in the footer.
wait_for "All decks"
wait_for "Review deck"
wait_gone "rescan"

# Enter on "All decks" starts a review of every deck.
"${tmux[@]}" send-keys -t "$session" Enter
wait_for "Show answer"
status_line="$(pane | sed -n 2p)"
# note file names may hold spaces: take what follows the last "·"
where="$(grep -oE '[^·]+\.md:[0-9]+' <<<"$status_line" | head -1 | sed 's/^ *//')" \
    || fail "no note:line on the review's status line: '$status_line'"
note_name="$(basename "${where%%:*}")"
line="${where##*:}"

"${tmux[@]}" send-keys -t "$session" Space
wait_for "3 Good"
"${tmux[@]}" send-keys -t "$session" 3
# The next card: the count of cards left goes down by one, or by more when the card's
# siblings (its reverse, its other deletions) are buried for the day with it.
left_before="$(grep -oE '^ *[0-9]+ left' <<<"$status_line" | tr -dc 0-9)"
deadline=$((SECONDS + timeout_s))
while :; do
    left_now="$(pane | sed -n 2p | grep -oE '^ *[0-9]+ left' | tr -dc 0-9)"
    [[ -n "$left_now" ]] && (( left_now < left_before )) && break
    (( SECONDS < deadline )) || fail "the count of cards left did not go down from $left_before"
    sleep 0.1
done

key() { "${tmux[@]}" send-keys -t "$session" "$@"; }
bar() { pane | sed -n 1p; }

# poll WHAT COMMAND...: run COMMAND until it succeeds, or fail saying WHAT.
poll() {
    local what="$1" deadline=$((SECONDS + timeout_s))
    shift
    until "$@"; do
        (( SECONDS < deadline )) || fail "timed out: $what"
        sleep 0.1
    done
}
bar_has() { bar | grep -qF -- "$1"; }
bar_lacks() { ! bar_has "$1"; }
box_reads() { pane | grep -qE -- "▊ +$1 +▎"; }

# wait_bar TEXT / bar_without TEXT: the mode bar (the first line) shows TEXT / no longer.
wait_bar() { poll "'$1' in the mode bar" bar_has "$1"; }
bar_without() { poll "the mode bar still shows '$1'" bar_lacks "$1"; }
# typed_in TEXT: a text box's line (between its ▊ and ▎ borders) reads TEXT.
typed_in() { poll "'$1' typed into the text box" box_reads "$1"; }

# Notes: nothing due in the bundled deck, and a screen that says so.
key N
wait_for "No note is due"

# Practice: the answer box has the focus. A letter is text there; the bar says alt+P.
key P
wait_for "Type your answer"
wait_bar "alt+S Stats"
key S
typed_in "S"
[[ "$(bar)" == *"Practice"* ]] && pane | grep -qF "Type your answer" \
    || fail "typing S in the answer box left Practice"
# escape leaves the box: the letters are keys again (k chooses the kind).
key Escape
bar_without "alt+"
wait_bar "S Stats"
key k
wait_for "Practise which drills?"
key Escape
wait_gone "Practise which drills?"

# Stats.
key S
wait_for "Summary"
wait_for "Reviews per day"

# Browse: the search box has the focus; a letter searches, alt+D goes to the decks.
key B
wait_for "cards, by due"
# While typing, the current area shows its title without its own key (alt+B would
# go nowhere): the other areas' alt+ keys say the box has the focus.
wait_bar "alt+D Decks"
[[ "$(bar)" == *"Browse"* ]] || fail "the mode bar lost Browse"
key x
typed_in "x"
[[ "$(bar)" == *"Browse"* ]] || fail "typing x in the search box left Browse"
key M-D
wait_for "Review deck"
bar_without "alt+"

# Decks: the import dialog's path box takes letters too, q among them (no quit).
key i
wait_for "Import notes"
key q
typed_in "q"
pane | grep -qF "Import notes" || fail "q in the import dialog's text box closed it"
key Escape
wait_gone "Import notes"

# Review again: the session where it was.
key R
wait_for "left"

key q
wait_for "EXITED:"
[[ "$(cat "$work/exit")" == "0" ]] || fail "the app exited with status $(cat "$work/exit")"

# The review is stored: the cards at that note and line (siblings share a line), then
# their logs: exactly one of them holds a Good review, and it is rescheduled.
card_ids="$("$srs" cards --json --db "$db" | "$py" -c '
import json, sys
name, line = sys.argv[1], int(sys.argv[2])
for row in map(json.loads, sys.stdin):
    base = (row["file"] or "").rsplit("/", 1)[-1]
    # the status line may shorten a long name inside ("Stochastic gradient….md")
    head, _, ext = name.partition("…")
    same = base == name or (ext and base.startswith(head) and base.endswith(ext))
    if row["file"] and same and row["line"] == line:
        print(row["id"])
' "$note_name" "$line")"
[[ -n "$card_ids" ]] || fail "no card at $note_name:$line in cards --json (status line: $status_line)"

card_id=""
for id in $card_ids; do
    history="$("$srs" history "$id" --json --db "$db")"
    if "$py" -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
rows = [r for r in rows if isinstance(r, dict)]  # "[]": no history
good = [r for r in rows if r["action"] == "review" and r["response"] == "good"]
sys.exit(0 if len(good) == 1 and good[0]["after"]["due"] else 1)
' <<<"$history"; then
        [[ -z "$card_id" ]] || fail "two cards at $note_name:$line were reviewed Good"
        card_id="$id"
    fi
done
[[ -n "$card_id" ]] || fail "no card at $note_name:$line has a Good review in its history"

"$srs" cards --json --db "$db" | "$py" -c '
import json, sys
cid = int(sys.argv[1])
card = next(r for r in map(json.loads, sys.stdin) if r["id"] == cid)
assert card["state"] == "review" and card["due"] and card["interval"], card
' "$card_id" || fail "card $card_id was not rescheduled"

echo "tmux_smoke: ok (card $card_id at $note_name:$line reviewed Good, stored; every area"\
    "walked, a letter typed in each text box)"
