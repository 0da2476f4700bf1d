"""`--format text`: one line per finding, as linters print (`path:line: SEVERITY rule message`), then a
summary line; colour only when asked for (a terminal, and NO_COLOR unset)."""
from __future__ import annotations

import os
from typing import IO

from bot.models import Review, Severity

_RESET = "\033[0m"
_COLOURS = {Severity.CRITICAL: "\033[1;31m", Severity.HIGH: "\033[31m", Severity.MEDIUM: "\033[33m",
            Severity.LOW: "\033[36m"}
_DIM, _BOLD = "\033[2m", "\033[1m"


def use_colour(stream: IO[str]) -> bool:
    """https://no-color.org: any non-empty NO_COLOR turns colour off; otherwise only on a terminal."""
    return not os.environ.get("NO_COLOR") and stream.isatty() and os.environ.get("TERM") != "dumb"


def render_text(review: Review, *, colour: bool = False) -> str:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if colour else text

    lines = []
    for f in sorted(review.findings, key=lambda f: (f.path, f.line, -f.severity, f.rule)):
        where = paint(_BOLD, f"{f.path}:{f.line}:")
        severity = paint(_COLOURS[f.severity], f"{f.severity.name:<8}")
        note = f" ({f.note})" if f.note else ""
        lines.append(f"{where} {severity} {f.message}{note} {paint(_DIM, f'[{f.rule}]')}")
    for s in review.skipped:
        lines.append(paint(_DIM, f"{s.path}: skipped: {s.reason}"))
    for w in review.warnings:
        lines.append(f"warning: {w}")
    c = review.counts
    total = len(review.findings)
    summary = (f"{review.verdict}: {total} finding{'s' if total != 1 else ''} ({c['CRITICAL']} critical, "
               f"{c['HIGH']} high, {c['MEDIUM']} medium, {c['LOW']} low) in {review.files_reviewed} "
               f"file{'s' if review.files_reviewed != 1 else ''}")
    if review.suppressed:
        summary += f", {review.suppressed} suppressed"
    worst = max((f.severity for f in review.findings), default=None)
    lines.append(paint(_COLOURS[worst], summary) if worst is not None else summary)
    return "\n".join(lines) + "\n"
