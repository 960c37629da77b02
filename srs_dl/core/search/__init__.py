"""Searching the cards: the query language (`query`) and the in-memory index (`index`)."""
