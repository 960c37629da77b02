"""Importing notes: walk the vault (`importer`), read and parse in worker processes
(`worker`, `worker_pool`), merge into the deck (`apply`, `card_merge`, `drill_deck`)."""
