"""Parser benchmark: generate the reference vault and parse every note.

    .venv/bin/python benchmarks/parse.py [--notes 10000] [--cards-per-note 10] [--seed 1]
                                         [--vault DIR] [--multiline-sep ?] [--repeat 3]

Generates the vault with ../shared/tools/make_vault.py into a temporary folder
(or uses --vault DIR as is), then reads (bytes), decodes and parses every .md
file (hidden folders skipped) and prints files, questions, cards, seconds and
MB/s. Reading and parsing are timed apart; the best of --repeat runs is shown.
The question and card counts are checked against the vault's manifest.
Compare with `python ../shared/tools/floor_scan.py VAULT`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from srs_dl.core.notes.grammar import parse_note  # noqa: E402
from srs_dl.core.notes.settings import ParseSettings  # noqa: E402

SHARED = ROOT.parent / "shared"


def _notes(vault: Path) -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []
    for root, dirs, files in os.walk(vault):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".md"):
                folder = os.path.relpath(root, vault).replace(os.sep, "/")
                out.append((Path(root) / name, "" if folder == "." else folder))
    return out


def run(vault: Path, settings: ParseSettings, repeat: int) -> dict[str, float]:
    notes = _notes(vault)
    best: dict[str, float] = {}
    for _ in range(repeat):
        t0 = time.perf_counter()
        texts = []
        size = 0
        for path, folder in notes:
            data = path.read_bytes()
            size += len(data)
            text = data.decode("utf-8", "replace")
            if text.startswith("\ufeff"):
                text = text[1:]
            texts.append((text, folder))
        t1 = time.perf_counter()
        c1 = time.process_time()
        questions = cards = warnings = 0
        for text, folder in texts:
            parsed = parse_note(text, settings, folder_deck=folder)
            questions += len(parsed.questions)
            cards += sum(len(q.cards) for q in parsed.questions)
            warnings += len(parsed.warnings)
        t2 = time.perf_counter()
        c2 = time.process_time()
        result = {
            "files": len(notes),
            "bytes": size,
            "questions": questions,
            "cards": cards,
            "warnings": warnings,
            "read_s": t1 - t0,
            "parse_s": t2 - t1,
            "parse_cpu_s": c2 - c1,
        }
        if not best or result["parse_s"] < best["parse_s"]:
            best = result
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=10000)
    ap.add_argument("--cards-per-note", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--vault", type=Path, help="an existing vault (not generated, not deleted)")
    ap.add_argument("--multiline-sep", default="?")
    ap.add_argument("--repeat", type=int, default=3)
    opts = ap.parse_args(argv)
    settings = ParseSettings(multiline_sep=opts.multiline_sep)
    with tempfile.TemporaryDirectory(prefix="srs-dl-bench-") as tmp:
        vault = opts.vault
        if vault is None:
            vault = Path(tmp) / "vault"
            subprocess.run(
                [
                    sys.executable,
                    str(SHARED / "tools" / "make_vault.py"),
                    str(vault),
                    "--notes",
                    str(opts.notes),
                    "--cards-per-note",
                    str(opts.cards_per_note),
                    "--seed",
                    str(opts.seed),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        r = run(vault, settings, opts.repeat)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"load       {load:.2f} on {os.cpu_count()} CPUs (wall times suffer when busy)")
        mb = r["bytes"] / 1e6
        total = r["read_s"] + r["parse_s"]
        print(f"files      {r['files']}")
        print(f"size       {mb:.1f} MB")
        print(f"questions  {r['questions']}")
        print(f"cards      {r['cards']}")
        print(f"warnings   {r['warnings']}")
        print(f"read       {r['read_s']:.3f} s")
        print(
            f"parse      {r['parse_s']:.3f} s  ({mb / r['parse_s']:.1f} MB/s), "
            f"{r['parse_cpu_s']:.3f} s CPU"
        )
        print(f"total      {total:.3f} s  ({mb / total:.1f} MB/s)")
        manifest_path = vault / ".vault_manifest.json"
        if not manifest_path.exists():
            print("no .vault_manifest.json: counts not checked")
            return 0
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        key = f"multiline_sep_{opts.multiline_sep}"
        expected_q = manifest["expected_osr_questions"].get(key)
        counts = manifest["counts"]
        status = 0
        if expected_q is not None and expected_q != r["questions"]:
            print(f"MISMATCH: {r['questions']} questions, manifest expects {expected_q}")
            status = 1
        # Cards split by the other multi-line separator are no cards (one sibling each).
        other = {"?": "MultiLineBasic_dash", "-?-": "MultiLineBasic_q"}.get(opts.multiline_sep)
        if other is not None:
            expected_cards = counts["sibling_cards"] - counts.get(other, 0)
            if expected_cards != r["cards"]:
                print(f"MISMATCH: {r['cards']} cards, manifest expects {expected_cards}")
                status = 1
        if status == 0:
            print(f"counts match the manifest ({key})")
        return status


if __name__ == "__main__":
    sys.exit(main())
