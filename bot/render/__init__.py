"""Texts built from services' records for people to read; no I/O."""
