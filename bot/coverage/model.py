"""Plain data of coverage: parsed reports, patch coverage, per-package rows, the report section."""
from __future__ import annotations

from dataclasses import dataclass, field

# line number -> times run (0: executable, not run)
LineHits = dict[int, int]


@dataclass
class ParsedReport:
    """One coverage report as its tool wrote it: paths are the report's own, not yet repository paths."""

    source: str  # the report file (as given on the command line / in the config)
    format: str  # cobertura | lcov | go | coverage.py-json | jacoco
    files: dict[str, LineHits] = field(default_factory=dict)
    roots: list[str] = field(default_factory=list)  # Cobertura <source> directories

    def add(self, path: str, line: int, hits: int) -> None:
        lines = self.files.setdefault(path, {})
        lines[line] = max(hits, lines.get(line, 0))


@dataclass(frozen=True)
class PatchCoverage:
    covered: int
    total: int  # added executable lines
    uncovered: dict[str, list[int]]  # path -> uncovered added lines, sorted

    @property
    def percent(self) -> float | None:
        return None if self.total == 0 else 100.0 * self.covered / self.total

    def ranges(self) -> list[tuple[str, int, int]]:
        """Uncovered added lines as (path, first, last) runs of consecutive lines."""
        out: list[tuple[str, int, int]] = []
        for path, lines in self.uncovered.items():
            for n in lines:
                if out and out[-1][0] == path and out[-1][2] == n - 1:
                    out[-1] = (path, out[-1][1], n)
                else:
                    out.append((path, n, n))
        return out


@dataclass(frozen=True)
class PackageRow:
    package: str  # directory of the package, "." for the root
    covered: int
    total: int
    target: float | None
    changed: bool  # the change touches a file of this package

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.total if self.total else 100.0

    @property
    def status(self) -> str:
        if self.target is None:
            return "INFO"
        return "PASS" if self.percent + 1e-9 >= self.target else "FAIL"


@dataclass
class CoverageSection:
    """The Test Coverage section of a review."""

    reports: list[tuple[str, str, int]]  # (report file, format, files mapped)
    patch: PatchCoverage
    packages: list[PackageRow]
    patch_target: float | None
    package_target: float | None
    packages_hidden: int = 0  # rows left out for length
    unmapped: list[str] = field(default_factory=list)  # report paths matching no repository file
    not_measured: list[str] = field(default_factory=list)  # changed source files no report covers

    @property
    def patch_status(self) -> str:
        pct = self.patch.percent
        if pct is None:
            return "N/A"
        if self.patch_target is None:
            return "INFO"
        return "PASS" if pct + 1e-9 >= self.patch_target else "FAIL"

    def to_json(self) -> dict:
        pct = self.patch.percent
        return {
            "reports": [{"path": p, "format": f, "files": n} for p, f, n in self.reports],
            "patch": {
                "covered": self.patch.covered, "total": self.patch.total,
                "percent": None if pct is None else round(pct, 2), "target": self.patch_target,
                "status": self.patch_status,
                "uncovered": [{"path": p, "lines": lines} for p, lines in self.patch.uncovered.items()],
            },
            "packages": [{"package": r.package, "covered": r.covered, "total": r.total,
                          "percent": round(r.percent, 2), "target": r.target, "status": r.status,
                          "changed": r.changed} for r in self.packages],
            "packages_hidden": self.packages_hidden,
            "unmapped": self.unmapped,
            "not_measured": self.not_measured,
        }


def line_ranges(lines: list[int]) -> str:
    """[3, 4, 5, 9] -> "3-5, 9"."""
    out: list[str] = []
    start = prev = None
    for n in sorted(lines):
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = n
    if start is not None:
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ", ".join(out)
