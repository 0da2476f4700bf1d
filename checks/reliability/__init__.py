"""Rules of the reliability area."""
