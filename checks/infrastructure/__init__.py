"""Rules of the infrastructure area."""
