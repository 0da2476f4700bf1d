"""One outcome per CI check of the head commit, normalised across GitHub check runs, statuses and GitLab jobs."""
from __future__ import annotations

from dataclasses import dataclass

# Normalised outcomes, in the order the Build & CI table shows them (failures first).
OUTCOMES = ("FAIL", "CANCELLED", "RUNNING", "PENDING", "PASS", "SKIPPED", "NEUTRAL")
FAILING = {"FAIL"}
DONE = {"FAIL", "CANCELLED", "PASS", "SKIPPED", "NEUTRAL"}
# Job.event of a review queued because other CI finished (refresh the summary, reuse the check run)
REFRESH_PREFIX = "ci-refresh:"


def is_refresh(event: str) -> bool:
    return event.startswith(REFRESH_PREFIX)


@dataclass(frozen=True)
class CICheck:
    name: str
    outcome: str  # one of OUTCOMES
    url: str = ""
    stage: str = ""  # GitLab job stage; GitHub: the app or "status"
    detail: str = ""  # the forge's own words: conclusion / state / status
    allow_failure: bool = False  # GitLab: a failing job that does not fail the pipeline

    def to_json(self) -> dict:
        return {"name": self.name, "outcome": self.outcome, "url": self.url, "stage": self.stage,
                "detail": self.detail, "allow_failure": self.allow_failure}


@dataclass(frozen=True)
class CIResults:
    """The Build & CI section: shown next to the verdict, never part of it."""

    sha: str
    checks: tuple[CICheck, ...]
    source: str = ""  # "GitHub checks and statuses" | "GitLab pipeline 123"
    truncated: bool = False  # more checks than the bounded read fetched

    @property
    def failing(self) -> list[CICheck]:
        return [c for c in self.checks if c.outcome in FAILING and not c.allow_failure]

    @property
    def done(self) -> bool:
        return all(c.outcome in DONE for c in self.checks)

    @property
    def pending(self) -> int:
        return sum(1 for c in self.checks if c.outcome not in DONE)

    def ordered(self) -> list[CICheck]:
        return sorted(self.checks, key=lambda c: (OUTCOMES.index(c.outcome), c.allow_failure, c.stage, c.name))

    def headline(self) -> str:
        """"CI: 2 of 9 checks failing" (and how many still run)."""
        n, bad = len(self.checks), len(self.failing)
        if n == 0:
            return "CI: no checks reported yet"
        text = f"CI: {bad} of {n} checks failing" if bad else f"CI: {n} check{'s' if n != 1 else ''}, none failing"
        if self.pending:
            text += f", {self.pending} running"
        return text

    def to_json(self) -> dict:
        return {"sha": self.sha, "source": self.source, "headline": self.headline(),
                "failing": len(self.failing), "pending": self.pending, "truncated": self.truncated,
                "checks": [c.to_json() for c in self.ordered()]}
