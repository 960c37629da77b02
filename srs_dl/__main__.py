from srs_dl.cli import run

run()
