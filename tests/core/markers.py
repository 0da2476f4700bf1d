"""Tiny rules used only by core tests, so the engine is tested apart from the real catalog."""
from __future__ import annotations

from bot.models import Hit, Severity
from checks.registry import Rule


def _flag_lines(word: str):
    def check(f, ctx):
        for n, line in enumerate(f.lines, start=1):
            if word in line:
                yield Hit(n)

    return check


def _crash(f, ctx):
    raise RuntimeError("boom")
    yield  # pragma: no cover


def _python_parse(f, ctx):
    f.python  # noqa: B018  (raises ParseError on bad syntax)
    return []


def make_rule(rule_id: str, check, severity: Severity = Severity.HIGH, kinds=("text",), **kw) -> Rule:
    return Rule(id=rule_id, severity=severity, area="quality", title=f"{rule_id} title",
                why="why", fix="fix", kinds=frozenset(kinds), check=check, **kw)


FLAG = make_rule("test.flag", _flag_lines("FLAG"))
CRIT = make_rule("test.crit", _flag_lines("CRIT"), Severity.CRITICAL)
LOW = make_rule("test.low", _flag_lines("MINOR"), Severity.LOW)
CRASH = make_rule("test.crash", _crash, kinds=("python",))
PYPARSE = make_rule("test.pyparse", _python_parse, kinds=("python",))
FILE_LEVEL = make_rule("test.file", _flag_lines("WHOLEFILE"), file_level=True)
RULES = {r.id: r for r in (FLAG, CRIT, LOW, CRASH, PYPARSE, FILE_LEVEL)}
