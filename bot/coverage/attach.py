"""Coverage in a review: find the report files, read them, map paths, add the section and finding."""
from __future__ import annotations

import glob
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from bot.config import Config
from bot.coverage.compute import build_section, patch_finding
from bot.coverage.model import CoverageSection, ParsedReport
from bot.coverage.parsers import CoverageError, read_report
from bot.coverage.paths import PathMapper, go_modules
from bot.models import AreaSummary, ChangedFile, PreviousFinding, Review
from bot.review import area_summary, number_findings, verify
from checks.registry import Rule

log = logging.getLogger(__name__)
MAX_REPORTS = 50
MAX_GO_MODS = 50


def report_files(given: Sequence[str | Path], config: Config, root: Path) -> list[Path]:
    """`--coverage FILE…` as given, plus the `coverage.reports` globs of the config under `root`.
    A file named on the command line must exist; a config glob may match nothing (CI skipped tests)."""
    out: list[Path] = []
    for item in given:
        path = Path(item)
        if not path.is_file():
            raise CoverageError("no such coverage report", path=str(item))
        out.append(path)
    base = root.resolve()
    for pattern in config.coverage.reports:
        matches = sorted(glob.glob(pattern, root_dir=root, recursive=True))
        # the configuration names files of the repository, never outside it (`../`, absolute paths)
        out.extend(root / m for m in matches
                   if (root / m).is_file() and (root / m).resolve().is_relative_to(base))
    unique = list(dict.fromkeys(p.resolve() for p in out))
    if len(unique) > MAX_REPORTS:
        raise CoverageError(f"{len(unique)} coverage reports: at most {MAX_REPORTS} per review", path="coverage")
    return unique


def read_reports(files: Sequence[Path], root: Path | None = None) -> list[ParsedReport]:
    out = []
    for path in files:
        display = str(path)
        if root is not None:
            try:
                display = str(path.resolve().relative_to(root.resolve()))
            except ValueError:
                pass
        out.append(read_report(path, display=display))
    return out


def mapper_for(repo_files: Sequence[str] | None, go_mod_texts: Mapping[str, str | None],
               config: Config) -> PathMapper:
    return PathMapper(repo_files, go_modules({p: t for p, t in go_mod_texts.items() if t}),
                      config.coverage.prefixes)


def go_mod_paths(repo_files: Sequence[str]) -> list[str]:
    return [p for p in repo_files if p == "go.mod" or p.endswith("/go.mod")][:MAX_GO_MODS]


def add_coverage(review: Review, reports: Sequence[ParsedReport], mapper: PathMapper,
                 changes: Sequence[ChangedFile], config: Config, rules: Mapping[str, Rule],
                 previous: Sequence[PreviousFinding] | None) -> Review:
    """Adds the Test Coverage section and, below target, the tests.patch-coverage finding (then the
    numbering, the area table and the verification table include it)."""
    section = build_section(reports, mapper, changes, config)
    review.coverage = section
    finding = patch_finding(section, rules, config)
    if finding is not None:
        review.findings.append(finding)
        number_findings(review.findings)
        if previous is not None:
            review.verification = verify(previous, review.findings)
    review.areas = area_summary(review.findings)
    if not any(row.area == "tests" for row in review.areas):
        review.areas.append(AreaSummary("tests", "PASS", _tests_reason(section)))
    log.info("coverage: %d reports, patch %s", len(reports), section.patch_status)
    return review


def _tests_reason(section: CoverageSection) -> str:
    pct = section.patch.percent
    if pct is None:
        return "no added executable lines in the coverage reports"
    target = "no target" if section.patch_target is None else f"target {section.patch_target:g}%"
    return f"patch coverage {pct:.1f}% ({target})"
