"""The CI environment does not describe a pull/merge request we can review."""
from __future__ import annotations


class CIEnvError(Exception):
    """Missing or malformed CI variables; the message names each one and what to do."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))
