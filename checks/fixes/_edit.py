"""Text edits the fixers share: splice a span of a file, delete a keyword argument, indentation."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from checks.fixes import Suggestion

if TYPE_CHECKING:
    from checks.source import SourceFile

_BLANK_OR_COMMA = re.compile(r"^\s*,?\s*(#.*|//.*)?$")


def indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def whole(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def replace_lines(start: int, end: int, new_lines: list[str]) -> Suggestion:
    return Suggestion(start, end, whole(new_lines))


def splice(f: SourceFile, start: tuple[int, int], end: tuple[int, int], new: str) -> Suggestion:
    """Replace the text from (line, byte column) `start` to `end` (exclusive) with `new`.

    Columns are UTF-8 byte offsets, as Python's ast and tree-sitter report them."""
    (sl, sc), (el, ec) = start, end
    head = f.lines[sl - 1].encode("utf-8")[:sc]
    tail = f.lines[el - 1].encode("utf-8")[ec:]
    text = (head + new.encode("utf-8") + tail).decode("utf-8")
    return Suggestion(sl, el, text + "\n")


def remove_item(f: SourceFile, item: tuple[int, int, int, int], before: tuple[int, int] | None,
                after: tuple[int, int] | None) -> Suggestion:
    """Remove one element of a comma-separated list (an argument, a struct field).

    `item` is (line, col, end_line, end_col); `before` the end of the previous element and `after`
    the start of the next one (None at the edges). An element alone on its lines loses the lines."""
    line, col, end_line, end_col = item
    first = f.lines[line - 1]
    last = f.lines[end_line - 1]
    alone = not first.encode("utf-8")[:col].strip() and \
        _BLANK_OR_COMMA.match(last.encode("utf-8")[end_col:].decode("utf-8")) is not None
    if alone and (before is None or before[0] < line) and (after is None or after[0] > end_line):
        return Suggestion(line, end_line, "")
    if before is not None:
        return splice(f, before, (end_line, end_col), "")
    if after is not None:
        return splice(f, (line, col), after, "")
    return splice(f, (line, col), (end_line, end_col), "")
