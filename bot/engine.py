"""Run the enabled rules over one parsed file: the engine fills path, severity and fingerprints,
applies suppressions, and contains any rule that crashes (bandit's tester idea)."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.config import Config
from bot.fingerprint import fingerprint, identity
from bot.models import Finding, RuleError, Skipped
from bot.suppress import is_suppressed, unknown_suppressions
from checks.fixes import FixContext, Resolver, Suggestion, Where, suggest
from checks.registry import Context, RepoView, Rule
from checks.source import ParseError, SourceFile

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 1_000_000
_SNIPPET_LINES = 3


@dataclass
class FileResult:
    findings: list[Finding] = field(default_factory=list)  # every finding, before diff scoping
    skipped: Skipped | None = None
    errors: list[RuleError] = field(default_factory=list)
    suppressed: int = 0  # findings an inline `readiness: ignore[...]` removed
    warnings: list[str] = field(default_factory=list)  # e.g. a suppression naming no rule

    def merged(self, other: FileResult) -> FileResult:
        """This file's results plus another pass's over the same file (the cross-file rules)."""
        return FileResult(self.findings + other.findings, self.skipped or other.skipped, self.errors + other.errors,
                          self.suppressed + other.suppressed, self.warnings + other.warnings)


_CONTROL = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D} | {0x7F}


def decode_text(data: bytes) -> str | None:
    """Text of a file, or None when it is binary. UTF-8 first; text in a legacy 8-bit encoding (latin-1
    or Windows-1252 source, still common in older code) is decoded as such rather than skipped."""
    if b"\x00" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    sample = data[:8192]
    if sum(b in _CONTROL for b in sample) > len(sample) // 100:  # control bytes: binary, not text
        return None
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return data.decode("latin-1")


def analyze_file(source: SourceFile, rules: Mapping[str, Rule], config: Config,
                 repo: RepoView | None = None, resolve: Resolver | None = None) -> FileResult:
    """`resolve`: how a fix pins a CI action to a commit (None: no such fixes)."""
    result = FileResult()
    if repo is None:  # the single-file pass (every file has exactly one) checks the suppression comments
        from checks import all_rules

        result.warnings = unknown_suppressions(source.path, source.text, all_rules().keys() | rules.keys())
    if len(source.text) > MAX_FILE_BYTES:
        result.skipped = Skipped(source.path, f"file too large to review ({len(source.text) // 1024} KB)")
        return result
    if source.is_generated:
        result.skipped = Skipped(source.path, "generated file or lockfile")
        return result
    if not source.is_test and config.is_test(source.path):
        source.is_test = True  # named test code by `paths.tests`
    parse_problems: list[str] = []
    for rule in rules.values():
        settings = config.settings(rule.id)
        if not settings.enabled or not (rule.kinds & source.kinds):
            continue
        if source.is_test and not rule.include_tests:
            continue
        if rule.prefilter and not any(s in source.text for s in rule.prefilter):
            continue
        ctx = Context(options={**rule.options, **settings.options}, repo=repo if rule.repo_kinds else None)
        try:
            hits = list(rule.check(source, ctx))
        except ParseError as exc:
            if str(exc) not in parse_problems:
                parse_problems.append(str(exc))
            continue
        except Exception as exc:  # one broken rule must not stop the review
            log.exception("rule %s crashed on %s", rule.id, source.path)
            result.errors.append(RuleError(rule.id, source.path, f"{type(exc).__name__}: {exc}"))
            continue
        for hit in hits:
            line = max(1, min(hit.line, max(1, len(source.lines))))
            end = max(line, min(hit.end_line or line, max(1, len(source.lines))))
            if is_suppressed(rule.id, source.lines, line):
                result.suppressed += 1
                continue
            severity = settings.severity or hit.severity or rule.severity
            snippet = hit.snippet if hit.snippet is not None else _snippet(source, line, end)
            result.findings.append(
                Finding(
                    rule=rule.id, severity=severity, area=rule.area, title=rule.title,
                    path=source.path, line=line, end_line=end, message=hit.message or rule.title,
                    why=rule.why, fix=rule.fix, snippet=snippet, region=hit.region,
                    subject=hit.subject, note=hit.note,
                    suggestion=_suggestion(rule.id, source, Where(line, end, hit.subject, hit.message or ""),
                                           FixContext(ctx.options, resolve)),
                )
            )
    if parse_problems:
        result.skipped = Skipped(source.path, "; ".join(parse_problems))
    _assign_fingerprints(source, result.findings)
    return result


def _suggestion(rule_id: str, source: SourceFile, where: Where, ctx: FixContext) -> Suggestion | None:
    try:
        return suggest(rule_id, source, where, ctx)
    except Exception:  # a broken fixer costs the fix, never the finding
        log.exception("fixer for %s crashed on %s:%s", rule_id, source.path, where.line)
        return None


def _snippet(source: SourceFile, line: int, end: int) -> str:
    lines = source.lines[line - 1 : min(end, line + _SNIPPET_LINES - 1)]
    text = "\n".join(lines)
    return text if len(text) <= 400 else text[:397] + "..."


def _assign_fingerprints(source: SourceFile, findings: list[Finding]) -> None:
    seen: dict[tuple[str, str], int] = {}
    # Sorted by position so the occurrence index counts identical matches top to bottom.
    for f in sorted(findings, key=lambda f: (f.rule, f.line, f.end_line)):
        # A finding about a subject (a container, a stage, a function) keeps its identity when the
        # anchor line changes (an image tag bump); others key on the normalised flagged text.
        flagged = f"\x00subject:{f.subject}" if f.subject else "\n".join(source.lines[f.line - 1 : f.end_line])
        key = (f.rule, flagged)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        f.fingerprint = fingerprint(f.rule, f.path, flagged, occurrence)
        f.identity = identity(f.rule, f.path, flagged)
