"""The readiness report as Markdown, in the shape of a senior reviewer's production-readiness review."""
from __future__ import annotations

from collections.abc import Sequence

from bot.models import SEVERITIES_DESC, Finding, Review, Severity
from bot.render.sections import ci_section, coverage_section

ICONS = {"CRITICAL": "🔴", "HIGH": "🟠", "MEDIUM": "🟡", "LOW": "🔵"}
STATUS_ICONS = {"PASS": "✅", "WARNING": "⚠️", "FAIL": "❌", "FIXED": "✅", "STILL OPEN": "⏳", "NEW": "🆕"}
VERDICT_NOTES = {
    "NOT READY": "Critical findings must be fixed before this change can ship.",
    "CONDITIONAL PASS": "No critical findings; fix the HIGH findings before production.",
    "PASS": "No critical or high findings.",
}
ACTIONS = (
    (Severity.CRITICAL, "Fix before merge"),
    (Severity.HIGH, "Fix before production"),
    (Severity.MEDIUM, "Plan soon"),
    (Severity.LOW, "Backlog"),
)


def render_markdown(review: Review, *, heading: str = "Production readiness review",
                    max_chars: int | None = None, omitted_note: str = "") -> str:
    """The full report; with `max_chars`, detail sections shrink until it fits."""
    everything = len(review.findings)
    for detail, rows in ((everything, everything), (50, everything), (20, everything), (5, 500),
                         (0, 200), (0, 50), (0, 0)):
        text = _render(review, heading, detail, omitted_note, rows)
        if max_chars is None or len(text) <= max_chars:
            return text
    return text[: max(0, (max_chars or 0) - 40)] + "\n\n…(report truncated)\n"


def _render(review: Review, heading: str, detail_limit: int, omitted_note: str, row_limit: int) -> str:
    out: list[str] = []
    verdict = review.verdict
    ci_note = f" · {review.ci.headline()}" if review.ci is not None else ""  # shown, not part of the verdict
    out.append(f"## {heading}: {verdict}{ci_note}\n")
    c = review.counts
    out.append(
        f"**{c['CRITICAL']} critical, {c['HIGH']} high, {c['MEDIUM']} medium, {c['LOW']} low** · "
        f"{review.files_reviewed} file{'s' if review.files_reviewed != 1 else ''} reviewed · "
        f"fails on {_fail_on(review)}"
        + (f" · {review.suppressed} suppressed" if review.suppressed else "") + "\n"
    )
    out.append(f"{VERDICT_NOTES[verdict]}\n")
    out.append("| Severity | Count |\n|---|---:|")
    for sev in SEVERITIES_DESC:
        out.append(f"| {ICONS[sev.name]} {sev.name} | {c[sev.name]} |")
    out.append("")
    if review.verification is not None:
        out.extend(_verification(review))
    if review.findings:
        out.extend(_findings(review.findings, detail_limit, row_limit))
    if omitted_note:
        out.append(f"{omitted_note}\n")
    out.extend(_preexisting(review, row_limit))
    if review.ci is not None:
        out.extend(ci_section(review.ci))
    if review.coverage is not None:
        out.extend(coverage_section(review.coverage, row_limit=30 if detail_limit else 10))
    out.extend(_areas(review))
    if review.inventory:
        out.extend(_inventory(review))
    if review.findings:
        out.extend(_actions(review.findings))
    if review.skipped:
        out.append(f"<details><summary>Skipped files ({len(review.skipped)})</summary>\n")
        for s in review.skipped[:100]:
            out.append(f"- `{s.path}`: {s.reason}")
        if len(review.skipped) > 100:
            out.append(f"- …and {len(review.skipped) - 100} more")
        out.append("\n</details>\n")
    if review.warnings:
        out.append("**Warnings:**\n")
        out.extend(f"- {w}" for w in review.warnings[:20])
        out.append("")
    if review.errors:
        out.append("**Internal errors** (the review went on without these):\n")
        for e in review.errors[:20]:
            out.append(f"- `{e.rule}` on `{e.path}`: {e.error}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _fail_on(review: Review) -> str:
    if review.fail_on is None:
        return "nothing (fail_on: never)"
    return f"{review.fail_on.name.lower()} and above"


def fence(text: str) -> str:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}\n{text}\n{ticks}"


def location(f: Finding) -> str:
    return f"{f.path}:{f.line}" if f.end_line == f.line else f"{f.path}:{f.line}-{f.end_line}"


def _findings(findings: Sequence[Finding], detail_limit: int, row_limit: int) -> list[str]:
    out = []
    shown = rows = 0
    hidden = 0
    for sev in SEVERITIES_DESC:
        mine = [f for f in findings if f.severity == sev]
        if not mine:
            continue
        out.append(f"### {ICONS[sev.name]} {sev.name.title()} ({len(mine)})\n")
        rest = []
        for f in mine:
            if shown >= detail_limit:
                rest.append(f)
                continue
            shown += 1
            out.append(f"#### {f.number}. {f.title} — `{f.rule}`\n")
            out.append(f"`{location(f)}`: {f.message}\n")
            out.extend(context_lines(f))
            if f.snippet:
                out.append(fence(f.snippet) + "\n")
            out.append(f"**Why it matters:** {f.why}\n")
            out.append(f"**Fix:** {f.fix}\n")
        listed = rest[: max(0, row_limit - rows)]
        rows += len(listed)
        hidden += len(rest) - len(listed)
        if listed:
            out.append("| # | Rule | Location | Message |\n|---|---|---|---|")
            for f in listed:
                out.append(f"| {f.number} | `{f.rule}` | `{location(f)}` | {_cell(f.message)} |")
            out.append("")
    if hidden:
        out.append(f"…and {hidden} more findings not shown here for length (every finding is in the "
                   "check run annotations and in `--format json` / `--format sarif` output).\n")
    return out


def context_lines(f: Finding) -> list[str]:
    """Why repository context changed the severity, and the copies of the same resource."""
    out = []
    if f.note:
        out.append(f"**Severity in context:** {f.note}\n")
    if f.locations:
        places = ", ".join(f"`{p}:{n}`" for p, n in f.locations[:10])
        more = f" and {len(f.locations) - 10} more" if len(f.locations) > 10 else ""
        out.append(f"**Also in copies of this resource:** {places}{more}\n")
    return out


def _preexisting(review: Review, row_limit: int) -> list[str]:
    """One collapsed section for what the change did not introduce (never in the verdict)."""
    out = []
    old = review.preexisting
    if old:
        n = len(old)
        out.append(f"<details><summary>{n} finding{'s' if n != 1 else ''} already present in the files "
                   "this change touches (not counted in the verdict)</summary>\n")
        shown = old[: max(row_limit, 20)]
        out.append("| Severity | Rule | Location | Message |\n|---|---|---|---|")
        for f in shown:
            out.append(f"| {f.severity.name} | `{f.rule}` | `{location(f)}` | {_cell(f.message)} |")
        if len(old) > len(shown):
            out.append(f"\n…and {len(old) - len(shown)} more.")
        out.append("\n</details>\n")
    if review.baselined:
        out.append(f"{review.baselined} finding{'s' if review.baselined != 1 else ''} left out because the "
                   "baseline file lists them.\n")
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _areas(review: Review) -> list[str]:
    out = ["### Area summary\n", "| Area | Status | Reason |", "|---|---|---|"]
    for row in review.areas:
        out.append(f"| {row.area} | {STATUS_ICONS[row.status]} {row.status} | {_cell(row.reason)} |")
    out.append("")
    return out


def _inventory(review: Review) -> list[str]:
    out = ["### What the reviewed files show\n", "| Capability | Seen in |", "|---|---|"]
    for name, paths in review.inventory.items():
        out.append(f"| {name} | {', '.join(f'`{p}`' for p in paths)} |")
    out.append("")
    return out


def _actions(findings: Sequence[Finding]) -> list[str]:
    out = ["### Action items\n"]
    n = 0
    for sev, label in ACTIONS:
        mine = [f for f in findings if f.severity == sev]
        if not mine:
            continue
        n += 1
        refs = ", ".join(f"{f.number} {f.title} (`{location(f)}`)" for f in mine[:10])
        more = f", and {len(mine) - 10} more" if len(mine) > 10 else ""
        out.append(f"{n}. **{label} ({sev.name}):** {refs}{more}")
    out.append("")
    return out


def _verification(review: Review) -> list[str]:
    rows = review.verification or []
    fixed = sum(1 for r in rows if r.status == "FIXED")
    still = sum(1 for r in rows if r.status == "STILL OPEN")
    new = sum(1 for r in rows if r.status == "NEW")
    out = [
        "### Previous review verification\n",
        f"{fixed} fixed, {still} still open, {new} new.\n",
        "| Status | Finding | Severity | Where |",
        "|---|---|---|---|",
    ]
    for r in rows:
        if r.status == "FIXED":
            ref = f"{r.previous_number} {r.title}" if r.previous_number else r.title
            where = f"was `{r.previous_location}`"
        elif r.status == "STILL OPEN":
            ref = f"{r.number} {r.title}" + (f" (was {r.previous_number})" if r.previous_number
                                              and r.previous_number != r.number else "")
            where = f"`{r.path}:{r.line}`"
            if r.previous_location and r.previous_location != f"{r.path}:{r.line}":
                where += f" (was `{r.previous_location}`)"
        else:
            ref = f"{r.number} {r.title}"
            where = f"`{r.path}:{r.line}`"
        out.append(f"| {STATUS_ICONS[r.status]} {r.status} | {_cell(ref)} (`{r.rule}`) | {r.severity} | {where} |")
    out.append("")
    return out
