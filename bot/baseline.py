"""Baseline files: the findings a team accepted when it adopted the bot, left out of later reports.

`.readiness-baseline.json` lists findings by fingerprint (which survives line shifts), sorted so a
regenerated file changes only where findings changed, with the rule, path and message for readers.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from bot.config import ConfigError
from bot.models import Finding

BASELINE_FILE = ".readiness-baseline.json"
VERSION = 1


def render_baseline(findings: Iterable[Finding]) -> str:
    rows = sorted({f.fingerprint: {"fingerprint": f.fingerprint, "rule": f.rule, "path": f.path,
                                   "message": f.message} for f in findings}.values(),
                  key=lambda r: (r["path"], r["rule"], r["fingerprint"]))
    return json.dumps({"version": VERSION, "tool": "readiness", "findings": rows}, indent=2,
                      ensure_ascii=False) + "\n"


def parse_baseline(text: str, path: str) -> list[dict]:
    """The entries of a baseline file; a ConfigError naming the file when it is not one."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"not a baseline file: invalid JSON ({exc.msg})", path=path, line=exc.lineno,
                          source=text) from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise ConfigError("not a baseline file: expected an object with a \"findings\" list "
                          "(write one with `readiness baseline`)", path=path)
    if data.get("version") != VERSION:
        raise ConfigError(f"unsupported baseline version {data.get('version')!r} (expected {VERSION})", path=path)
    entries = []
    for i, row in enumerate(data["findings"]):
        if not isinstance(row, dict) or not isinstance(row.get("fingerprint"), str):
            raise ConfigError(f"baseline entry {i + 1} has no \"fingerprint\"", path=path)
        entries.append(row)
    return entries


def load_baseline(text: str, path: str) -> frozenset[str]:
    return frozenset(row["fingerprint"] for row in parse_baseline(text, path))


def stale_entries(entries: Sequence[dict], findings: Iterable[Finding]) -> list[dict]:
    """Baseline entries no current finding matches: fixed since the baseline was written."""
    current = {f.fingerprint for f in findings}
    return [row for row in entries if row["fingerprint"] not in current]
