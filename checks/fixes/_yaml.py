"""YAML helpers of the fixers: where a block mapping's keys start, and inserting keys into it."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from checks.lang.yamlast import YMap

if TYPE_CHECKING:
    from checks.source import SourceFile

_ITEM = re.compile(r"^(\s*-\s+)*\s*")
_KEY = re.compile(r"""^[\w"'./-]+\s*:(\s|$)""")


def key_column(f: SourceFile, m: YMap) -> int | None:
    """Column of the keys of a block mapping (after any `- ` of the list item it starts), or None
    when the mapping is in flow style (`{a: 1}`)."""
    line = f.lines[m.line - 1]
    col = len(_ITEM.match(line).group(0))
    if not _KEY.match(line[col:]):
        return None
    return col


def step(f: SourceFile) -> int:
    """The file's indentation step: the smallest indentation of any line, 2 if there is none."""
    found = [len(ln) - len(ln.lstrip(" ")) for ln in f.lines if ln.strip() and not ln.lstrip().startswith("#")]
    found = [n for n in found if n > 0]
    return min(found) if found else 2


def block_lines(pad: int, entries: list[str], unit: int) -> list[str]:
    """`entries` are `key: value` texts, a leading two-space indent per nesting level."""
    out = []
    for e in entries:
        depth = (len(e) - len(e.lstrip(" "))) // 2
        out.append(" " * (pad + depth * unit) + e.lstrip(" "))
    return out
