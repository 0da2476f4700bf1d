"""Plain data the review core passes around: severities, findings, changed files, the review."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from checks.fixes import Suggestion
from checks.model import AREAS, SEVERITIES_DESC, Hit, Severity  # noqa: F401  (re-exported; checks/ owns them)


if TYPE_CHECKING:
    from bot.ci_results.model import CIResults
    from bot.coverage.model import CoverageSection

VERDICT_NOT_READY = "NOT READY"
VERDICT_CONDITIONAL = "CONDITIONAL PASS"
VERDICT_PASS = "PASS"


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings per severity name, every severity present, most severe first."""
    counts = {s.name: 0 for s in SEVERITIES_DESC}
    for f in findings:
        counts[f.severity.name] += 1
    return counts


@dataclass
class Finding:
    rule: str
    severity: Severity
    area: str
    title: str
    path: str
    line: int
    end_line: int
    message: str
    why: str
    fix: str
    snippet: str = ""
    fingerprint: str = ""
    number: str = ""  # C1, H2 ... assigned once the review is complete
    region: tuple[int, int] | None = None  # see Hit.region; not part of any output
    subject: str | None = None  # see Hit.subject: what the fingerprint identifies
    note: str | None = None  # see Hit.note: why context changed the severity
    # Other places the same finding stands (copies of one resource): (path, line), in order.
    locations: list[tuple[str, int]] = field(default_factory=list)
    new: bool = True  # False: already present at the merge base (pre-existing, not the change's)
    identity: str = ""  # the fingerprint without its occurrence index: groups identical findings
    suggestion: Suggestion | None = None  # the mechanical fix, when the rule has an unambiguous one

    def to_json(self) -> dict:
        return {
            "id": self.number,
            "rule": self.rule,
            "severity": self.severity.name,
            "area": self.area,
            "title": self.title,
            "path": self.path,
            "line": self.line,
            "end_line": self.end_line,
            "message": self.message,
            "fix": self.fix,
            "snippet": self.snippet,
            "fingerprint": self.fingerprint,
            "new": self.new,
            "note": self.note,
            "locations": [{"path": p, "line": n} for p, n in self.locations],
            **({"suggestion": self.suggestion.to_json(self.path)} if self.suggestion else {}),
        }


@dataclass(frozen=True)
class ChangedFile:
    """One file of a change set, with the new-side line numbers the diff touches."""

    path: str
    status: str = "modified"  # added | modified | renamed | deleted | copied
    old_path: str | None = None
    added: frozenset[int] = frozenset()
    hunks: tuple[tuple[int, int], ...] = ()  # inclusive new-side line ranges
    # New-side line numbers after which old lines were removed (0: removed at the very top).
    deleted_after: frozenset[int] = frozenset()
    binary: bool = False
    whole_file: bool = False  # no patch available: every line counts as changed
    blob_sha: str | None = None
    # The file's hunks as the diff shows them (with removed lines): the base version is the head
    # text with the hunks undone, so the review needs no extra reads. None: no patch known.
    patch: str | None = None

    def in_scope(self, line: int, end_line: int, scope: str,
                 region: tuple[int, int] | None = None) -> bool:
        if scope == "file" or self.whole_file:
            return True
        if scope == "diff_context":
            return any(a <= end_line and line <= b for a, b in self.hunks)
        if any(n in self.added for n in range(line, end_line + 1)):
            return True
        # a line removed strictly inside a multi-line finding (say, a `timeout=` argument)
        if any(line <= d < end_line for d in self.deleted_after):
            return True
        if region is not None:
            lo, hi = region
            return any(lo <= n <= hi for n in self.added) or any(lo - 1 <= d <= hi for d in self.deleted_after)
        return False


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str

    def to_json(self) -> dict:
        return {"path": self.path, "reason": self.reason}


@dataclass(frozen=True)
class RuleError:
    """A rule that raised on a file: reported, never fatal to the review."""

    rule: str
    path: str
    error: str


@dataclass(frozen=True)
class PreviousFinding:
    fingerprint: str
    rule: str
    severity: str
    path: str
    line: int
    title: str
    number: str = ""
    # From a state written before fingerprints keyed on subjects (v1): matched by location as well.
    legacy: bool = False


@dataclass(frozen=True)
class VerificationRow:
    status: str  # FIXED | STILL OPEN | NEW
    rule: str
    severity: str
    title: str
    path: str
    line: int
    previous_number: str = ""
    number: str = ""
    previous_location: str = ""


@dataclass(frozen=True)
class AreaSummary:
    area: str
    status: str  # PASS | WARNING | FAIL
    reason: str


@dataclass
class Review:
    findings: list[Finding]
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)
    verification: list[VerificationRow] | None = None  # None on a first review
    areas: list[AreaSummary] = field(default_factory=list)
    inventory: dict[str, list[str]] = field(default_factory=dict)
    fail_on: Severity | None = Severity.HIGH  # None: never fail
    files_reviewed: int = 0
    max_inline_comments: int = 25  # from the config, for the forges that post inline comments
    scope: str = "new"
    # Findings already present at the merge base in the files the change touches (scope `new`):
    # counted in the summary, never commented, never in the verdict.
    preexisting: list[Finding] = field(default_factory=list)
    baselined: int = 0  # findings left out because the baseline file lists them
    coverage: CoverageSection | None = None  # the Test Coverage section, when reports were given
    ci: CIResults | None = None  # the Build & CI section: other checks of the head commit (bots)
    suppressed: int = 0  # findings removed by inline `readiness: ignore[...]` comments
    warnings: list[str] = field(default_factory=list)  # problems the reader should fix, e.g. unknown ids

    @property
    def counts(self) -> dict[str, int]:
        return severity_counts(self.findings)

    @property
    def verdict(self) -> str:
        severities = {f.severity for f in self.findings}
        if Severity.CRITICAL in severities:
            return VERDICT_NOT_READY
        if Severity.HIGH in severities:
            return VERDICT_CONDITIONAL
        return VERDICT_PASS

    @property
    def failed(self) -> bool:
        return self.fail_on is not None and any(f.severity >= self.fail_on for f in self.findings)

    def headline(self) -> str:
        c = self.counts
        return (
            f"{self.verdict}: {c['CRITICAL']} critical, {c['HIGH']} high, "
            f"{c['MEDIUM']} medium, {c['LOW']} low"
        )
