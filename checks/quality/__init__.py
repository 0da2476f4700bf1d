"""Rules of the quality area."""
