"""Rules of the secrets area."""
