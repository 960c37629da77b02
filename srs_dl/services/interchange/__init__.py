"""Export and interchange: the cards and the log as CSV or JSONL (`export`), an Anki
package (`anki_package`, its note types in `anki_models`), and a log export read
back into a new deck (`import_log`)."""
