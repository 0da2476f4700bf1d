"""Parsers and small helpers per language, shared by the rules."""
