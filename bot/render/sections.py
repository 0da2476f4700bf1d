"""The Test Coverage and Build & CI sections of the Markdown report (the CI results are shown, not judged)."""
from __future__ import annotations

from bot.ci_results.model import CIResults
from bot.coverage.model import CoverageSection, line_ranges

STATUS = {"PASS": "✅ PASS", "FAIL": "❌ FAIL", "INFO": "ℹ️ no target", "N/A": "➖ no added executable lines",
          "CANCELLED": "⏹️ CANCELLED", "RUNNING": "⏳ RUNNING", "PENDING": "⏳ PENDING",
          "SKIPPED": "⏭️ SKIPPED", "NEUTRAL": "➖ NEUTRAL"}
MAX_UNCOVERED_FILES = 30
MAX_CI_ROWS = 40


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _target(value: float | None) -> str:
    return "never" if value is None else f"{value:g}%"


def coverage_section(section: CoverageSection, row_limit: int = 30) -> list[str]:
    patch = section.patch
    out = ["### Test Coverage\n"]
    out.append(f"**Patch coverage: {_pct(patch.percent)}** ({patch.covered} of {patch.total} added executable "
               f"lines run by tests) · target {_target(section.patch_target)} · {STATUS[section.patch_status]}\n")
    if patch.uncovered:
        n = sum(len(v) for v in patch.uncovered.values())
        out.append(f"<details><summary>Added lines no test ran ({n} in {len(patch.uncovered)} "
                   f"file{'s' if len(patch.uncovered) != 1 else ''})</summary>\n")
        items = list(patch.uncovered.items())
        for path, lines in items[:MAX_UNCOVERED_FILES]:
            out.append(f"- `{path}`: {line_ranges(lines)}")
        if len(items) > MAX_UNCOVERED_FILES:
            out.append(f"- …and {len(items) - MAX_UNCOVERED_FILES} more files")
        out.append("\n</details>\n")
    rows = section.packages[:row_limit]
    if rows:
        out += ["| Package | Coverage | Lines | Target | Status |", "|---|---:|---:|---:|---|"]
        for r in rows:
            name = f"`{r.package}`" + (" (changed)" if r.changed else "")
            out.append(f"| {name} | {_pct(r.percent)} | {r.covered}/{r.total} | {_target(r.target)} | "
                       f"{STATUS[r.status]} |")
        hidden = section.packages_hidden + len(section.packages) - len(rows)
        if hidden:
            out.append(f"\n…and {hidden} more packages (all of them in `--format json`).")
        out.append("")
    notes = []
    if section.not_measured:
        shown = ", ".join(f"`{p}`" for p in section.not_measured[:10])
        more = f" and {len(section.not_measured) - 10} more" if len(section.not_measured) > 10 else ""
        notes.append(f"Changed source files no report measured: {shown}{more}.")
    if section.unmapped:
        n = len(section.unmapped)
        notes.append(f"{n} report path{' matches' if n == 1 else 's match'} no repository file (set "
                     "`coverage.prefixes`, see docs/coverage.md).")
    reports = ", ".join(f"`{p}` ({fmt}, {n} file{'' if n == 1 else 's'})" for p, fmt, n in section.reports)
    notes.append(f"Reports: {reports}.")
    out += [f"_{n}_" for n in notes]
    out.append("")
    return out


def ci_section(ci: CIResults, row_limit: int = MAX_CI_ROWS) -> list[str]:
    note = (f"{ci.headline()} at `{ci.sha[:12]}` ({ci.source}). Shown as CI reported them; the verdict "
            "above is about readiness only.\n")
    out = ["### Build & CI\n", note]
    checks = ci.ordered()
    if not checks:
        return out
    out += ["| Check | Result | Details |", "|---|---|---|"]
    for c in checks[:row_limit]:
        name = f"{c.stage} / {c.name}" if c.stage else c.name
        result = STATUS.get(c.outcome, c.outcome)
        if c.outcome == "FAIL" and c.allow_failure:
            result = "⚠️ FAIL (allowed to fail)"
        link = f"[{_cell(c.detail or 'details')}]({c.url})" if c.url else _cell(c.detail)
        out.append(f"| {_cell(name)} | {result} | {link} |")
    if len(checks) > row_limit:
        out.append(f"\n…and {len(checks) - row_limit} more checks.")
    if ci.truncated:
        out.append("\n_More checks exist than the review reads; the count covers the ones read._")
    out.append("")
    return out
