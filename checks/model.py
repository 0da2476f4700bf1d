"""What rules report and what they need to say it: severities, areas and the Hit record.

It lives with the rules so that `checks/` imports nothing from `bot/`; `bot.models` re-exports it.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {value!r} (expected one of: critical, high, medium, low)"
            ) from None

    @property
    def letter(self) -> str:
        return self.name[0]


SEVERITIES_DESC = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
AREAS = ("secrets", "security", "reliability", "infrastructure", "ci", "quality", "tests")


@dataclass(frozen=True)
class Hit:
    """What a rule reports: a line (1-based) and optional detail. The engine fills in the rest."""

    line: int
    end_line: int | None = None
    message: str | None = None
    severity: Severity | None = None
    snippet: str | None = None  # set by rules that must not echo the source (secrets are masked)
    # For findings about something *missing* (no USER, no securityContext field): the block the
    # finding is about. The change owns the finding when it added or deleted lines anywhere in it.
    region: tuple[int, int] | None = None
    # Stable identity of what the finding is about when that is not the flagged line's text: a
    # Kubernetes container ("Deployment/ns/web/container/app"), a Dockerfile stage, a function name.
    # Fingerprints key on it, so a tag or digest bump on the anchor line does not make an old
    # finding look new.
    subject: str | None = None
    # Why repository context changed the severity ("LOW: deploy/web.yaml:31 runs it with
    # runAsNonRoot"), shown with the finding in every output.
    note: str | None = None
