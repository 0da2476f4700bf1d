"""Inline suppressions: `readiness: ignore[rule-id] reason` on the flagged line or the line above."""
from __future__ import annotations

import re

_IGNORE = re.compile(r"readiness:\s*ignore\[([^\]]+)\]")


def suppressed_rules(line_text: str) -> set[str]:
    out: set[str] = set()
    for m in _IGNORE.finditer(line_text):
        out.update(part.strip() for part in m.group(1).split(",") if part.strip())
    return out


def is_suppressed(rule_id: str, lines: list[str], line: int) -> bool:
    """True when the flagged line or the one above carries an ignore for this rule (or `*`)."""
    for n in (line, line - 1):
        if 1 <= n <= len(lines) and "readiness:" in lines[n - 1]:
            ids = suppressed_rules(lines[n - 1])
            if rule_id in ids or "*" in ids:
                return True
    return False
