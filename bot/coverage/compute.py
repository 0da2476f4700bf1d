"""Patch coverage, per-package coverage and the patch-coverage finding, from mapped coverage reports."""
from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence

from bot.config import Config
from bot.coverage.model import (
    CoverageSection,
    LineHits,
    PackageRow,
    ParsedReport,
    PatchCoverage,
    line_ranges,
)
from bot.coverage.paths import PathMapper
from bot.fingerprint import fingerprint
from bot.models import ChangedFile, Finding
from checks.registry import Rule

RULE_ID = "tests.patch-coverage"
MAX_PACKAGE_ROWS = 30
# Files a coverage tool measures; a changed file of another kind (docs, YAML) is not "not measured".
_CODE_EXTENSIONS = (".py", ".go", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".java", ".kt", ".cs",
                    ".rb", ".php", ".rs", ".scala", ".c", ".cc", ".cpp", ".h", ".swift")


def merge(reports: Sequence[ParsedReport], mapper: PathMapper
          ) -> tuple[dict[str, LineHits], list[str], list[int]]:
    """Every report's lines under repository paths (a line ran if any report ran it), the report
    paths that match no repository file, and how many files of each report mapped."""
    merged: dict[str, LineHits] = {}
    unmapped: list[str] = []
    mapped_per_report: list[int] = []
    for report in reports:
        mapped = 0
        for path, lines in report.files.items():
            repo_path = mapper.map(path, report.roots)
            if repo_path is None:
                unmapped.append(path)
                continue
            mapped += 1
            mine = merged.setdefault(repo_path, {})
            for number, hits in lines.items():
                mine[number] = max(hits, mine.get(number, 0))
        mapped_per_report.append(mapped)
    return merged, unmapped, mapped_per_report


def patch_coverage(changes: Sequence[ChangedFile], lines_by_path: Mapping[str, LineHits]) -> PatchCoverage:
    covered = total = 0
    uncovered: dict[str, list[int]] = {}
    for change in changes:
        lines = lines_by_path.get(change.path)
        if change.status == "deleted" or lines is None:
            continue
        added = set(lines) if change.whole_file else change.added
        for number in sorted(added & set(lines)):
            total += 1
            if lines[number] > 0:
                covered += 1
            else:
                uncovered.setdefault(change.path, []).append(number)
    return PatchCoverage(covered, total, uncovered)


def package_rows(lines_by_path: Mapping[str, LineHits], changes: Sequence[ChangedFile],
                 target: float | None) -> tuple[list[PackageRow], int]:
    """Per directory (a Go package, a Python package, a JS folder): the changed ones first, then the
    lowest coverage; at most MAX_PACKAGE_ROWS rows, and how many were left out."""
    totals: dict[str, list[int]] = {}
    for path, lines in lines_by_path.items():
        acc = totals.setdefault(posixpath.dirname(path) or ".", [0, 0])
        acc[0] += sum(1 for hits in lines.values() if hits > 0)
        acc[1] += len(lines)
    touched = {posixpath.dirname(c.path) or "." for c in changes if c.status != "deleted"}
    rows = [PackageRow(pkg, cov, tot, target, pkg in touched) for pkg, (cov, tot) in totals.items() if tot]
    rows.sort(key=lambda r: (not r.changed, r.percent, r.package))
    return rows[:MAX_PACKAGE_ROWS], max(0, len(rows) - MAX_PACKAGE_ROWS)


def build_section(reports: Sequence[ParsedReport], mapper: PathMapper, changes: Sequence[ChangedFile],
                  config: Config) -> CoverageSection:
    lines_by_path, unmapped, mapped = merge(reports, mapper)
    per_report = [(r.source, r.format, n) for r, n in zip(reports, mapped, strict=True)]
    packages, hidden = package_rows(lines_by_path, changes, config.coverage.package)
    not_measured = sorted(c.path for c in changes if c.status != "deleted" and not c.binary
                          and c.path.endswith(_CODE_EXTENSIONS) and c.path not in lines_by_path
                          and not config.is_excluded(c.path))
    return CoverageSection(
        reports=per_report, patch=patch_coverage(changes, lines_by_path), packages=packages,
        patch_target=config.coverage.patch, package_target=config.coverage.package,
        packages_hidden=hidden, unmapped=sorted(set(unmapped))[:50], not_measured=not_measured,
    )


def patch_finding(section: CoverageSection, rules: Mapping[str, Rule], config: Config) -> Finding | None:
    """The tests.patch-coverage finding when patch coverage is below its target (and the rule is on)."""
    rule = rules.get(RULE_ID)
    settings = config.settings(RULE_ID)
    if rule is None or not settings.enabled or section.patch_status != "FAIL":
        return None
    patch = section.patch
    path, lines = max(patch.uncovered.items(), key=lambda kv: (len(kv[1]), kv[0]))
    where = "; ".join(f"{p}: {line_ranges(ls)}" for p, ls in list(patch.uncovered.items())[:5])
    more = f"; and {len(patch.uncovered) - 5} more files" if len(patch.uncovered) > 5 else ""
    message = (f"Patch coverage {patch.percent:.1f}% ({patch.covered} of {patch.total} added executable "
               f"lines run by tests) is below the {section.patch_target:g}% target. Not run: {where}{more}")
    finding = Finding(
        rule=RULE_ID, severity=settings.severity or rule.severity, area=rule.area, title=rule.title,
        path=path, line=lines[0], end_line=lines[0], message=message, why=rule.why, fix=rule.fix,
        subject="patch",
    )
    # One finding per pull request, whatever lines it points at: its identity is the change's patch.
    finding.fingerprint = fingerprint(RULE_ID, "", "\x00subject:patch", 0)
    return finding
