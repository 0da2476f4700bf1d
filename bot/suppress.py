"""Inline suppressions: `readiness: ignore[rule-id] reason` on the flagged line or the line above."""
from __future__ import annotations

import re
from collections.abc import Collection

from bot.suggest import did_you_mean

_IGNORE = re.compile(r"readiness:\s*ignore\[([^\]]+)\]")
_RULE_ID = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+")  # area.name; `rule-id`, `{rule.id}` are placeholders


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


def unknown_suppressions(path: str, text: str, known: Collection[str]) -> list[str]:
    """One warning per `readiness: ignore[...]` id that names no rule: such a comment suppresses nothing."""
    if "readiness:" not in text:
        return []
    warnings = []
    for number, line in enumerate(text.split("\n"), 1):
        if "readiness:" not in line:
            continue
        for rule_id in sorted(suppressed_rules(line) - set(known) - {"*"}):
            if not _RULE_ID.fullmatch(rule_id) and not did_you_mean(rule_id, known):
                continue  # documentation of the syntax, not a suppression
            warnings.append(f"{path}:{number}: `readiness: ignore[{rule_id}]` names no rule, so it suppresses "
                            f"nothing{did_you_mean(rule_id, known)}")
    return warnings
