"""Fixes: for a finding, the replacement of whole lines that resolves it, computed from the parse.

A fixer is a pure function `(SourceFile, Where, FixContext) -> Suggestion | None`, registered per
rule id with `@fixer(...)`. It never runs code and returns None whenever the fix is not
unambiguous; the engine stores what it returns on the finding, and every output shows it.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checks.source import SourceFile

# (action "owner/repo", ref) -> full commit SHA, or None when it cannot be resolved. The bots
# resolve through the forge's API, the CLI with `git ls-remote`; checks/ never does I/O itself.
Resolver = Callable[[str, str], "str | None"]


@dataclass(frozen=True)
class Suggestion:
    """Replace lines `start_line`..`end_line` (1-based, inclusive) with `replacement`: the text of
    whole lines, each ending in a newline; "" deletes them."""

    start_line: int
    end_line: int
    replacement: str
    original: str = field(default="", compare=False)  # the lines it replaces (for diffs); set by suggest()

    def to_json(self, path: str) -> dict:
        return {"path": path, "start_line": self.start_line, "end_line": self.end_line,
                "replacement": self.replacement}


@dataclass(frozen=True)
class Where:
    """The finding a fixer is asked about."""

    line: int
    end_line: int
    subject: str | None = None
    message: str = ""


@dataclass(frozen=True)
class FixContext:
    options: Mapping[str, Any] = field(default_factory=dict)
    resolve: Resolver | None = None


FixFn = Callable[["SourceFile", Where, FixContext], "Suggestion | None"]
_FIXERS: dict[str, FixFn] = {}
_loaded = False


def fixer(rule_id: str) -> Callable[[FixFn], FixFn]:
    def register(fn: FixFn) -> FixFn:
        if rule_id in _FIXERS:
            raise ValueError(f"two fixers for {rule_id}")
        _FIXERS[rule_id] = fn
        return fn

    return register


def fixers() -> dict[str, FixFn]:
    """Every registered fixer by rule id (the modules of this package are imported once)."""
    global _loaded
    if not _loaded:
        for mod in pkgutil.iter_modules(__path__):
            if not mod.name.startswith("_"):
                importlib.import_module(f"{__name__}.{mod.name}")
        _loaded = True
    return _FIXERS


def suggest(rule_id: str, source: SourceFile, where: Where, ctx: FixContext | None = None) -> Suggestion | None:
    fn = fixers().get(rule_id)
    if fn is None:
        return None
    found = fn(source, where, ctx or FixContext())
    if found is None or not 1 <= found.start_line <= found.end_line <= len(source.lines):
        return None
    old = "".join(line + "\n" for line in source.lines[found.start_line - 1 : found.end_line])
    if old == found.replacement:
        return None
    return replace(found, original=old)


def apply(text: str, suggestions: Iterable[Suggestion]) -> str:
    """`text` with the suggestions applied, bottom-up; one overlapping a later one is skipped.

    Lines split at "\n" only, as the parsers number them; a CRLF file keeps its line ends."""
    crlf = "\r\n" in text
    lines = text.split("\n")
    trailing_newline = lines[-1] == ""
    if trailing_newline:
        lines.pop()
    taken_from = len(lines) + 1
    for s in sorted(suggestions, key=lambda s: (s.start_line, s.end_line), reverse=True):
        if s.end_line >= taken_from or s.start_line < 1 or s.end_line > len(lines):
            continue
        new = s.replacement.split("\n")[:-1] if s.replacement else []
        lines[s.start_line - 1 : s.end_line] = [line + "\r" for line in new] if crlf else new
        taken_from = s.start_line
    out = "\n".join(lines)
    return out + "\n" if trailing_newline and lines else out
