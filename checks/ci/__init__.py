"""Rules of the ci area."""
