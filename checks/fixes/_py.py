"""Python helpers of the fixers: the calls on a finding's line, argument spans and neighbours."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from checks.fixes import Suggestion
from checks.fixes._edit import indent, remove_item, replace_lines, splice

if TYPE_CHECKING:
    from checks.source import SourceFile


def calls_on(f: SourceFile, line: int) -> list[ast.Call]:
    """Calls that start on `line`, else the calls one of whose arguments is written on it (findings
    anchored on the offending argument, `verify=False` on the third line of a call)."""
    calls = f.python_of(ast.Call)
    starting = [c for c in calls if c.lineno == line]
    if starting:
        return starting
    return [c for c in calls if c.lineno < line <= (c.end_lineno or c.lineno)
            and any(getattr(a, "lineno", None) == line for a in (*c.args, *c.keywords))]


def arguments(call: ast.Call) -> list[ast.AST]:
    """Positional and keyword arguments in source order."""
    return sorted([*call.args, *call.keywords], key=lambda n: (n.lineno, n.col_offset))


def span(node: ast.AST) -> tuple[int, int, int, int]:
    return node.lineno, node.col_offset, node.end_lineno, node.end_col_offset


def drop_keyword(f: SourceFile, call: ast.Call, kw: ast.keyword) -> Suggestion:
    args = arguments(call)
    i = args.index(kw)
    before = (args[i - 1].end_lineno, args[i - 1].end_col_offset) if i > 0 else None
    after = (args[i + 1].lineno, args[i + 1].col_offset) if i + 1 < len(args) else None
    return remove_item(f, span(kw), before, after)


def alone_on_lines(f: SourceFile, stmt: ast.stmt) -> bool:
    """The statement is the only thing on its lines, and not the only statement of its block."""
    first = f.lines[stmt.lineno - 1].encode("utf-8")
    last = f.lines[stmt.end_lineno - 1].encode("utf-8")
    if first[: stmt.col_offset].strip() or last[stmt.end_col_offset :].strip().split(b"#")[0].strip():
        return False
    parent = f.python_parents.get(stmt)
    body = next((b for b in ("body", "orelse", "finalbody") if stmt in getattr(parent, b, [])), None)
    return body is not None and len(getattr(parent, body)) > 1


def add_keyword(f: SourceFile, call: ast.Call, text: str) -> Suggestion | None:
    """Add a keyword argument after the last argument, on its own line if arguments are one per line."""
    args = arguments(call)
    close = (call.end_lineno, call.end_col_offset - 1)  # the `)`
    if not args:
        return splice(f, close, close, text)
    last = args[-1]
    gap = between(f, (last.end_lineno, last.end_col_offset), close)
    if "\n" in gap:  # one argument per line, `)` on its own line: a new line in the same style
        pad = indent(f.lines[last.lineno - 1])
        comma = "," if gap.lstrip().startswith(",") else ""
        tail = f.lines[last.end_lineno - 1]
        if not comma:
            edited = splice(f, (last.end_lineno, last.end_col_offset), (last.end_lineno, last.end_col_offset), ",")
            tail = edited.replacement.rstrip("\n")
        return replace_lines(last.end_lineno, last.end_lineno, [tail, f"{pad}{text}{comma or ','}"])
    end = (last.end_lineno, last.end_col_offset)
    return splice(f, end, end, f", {text}")


def between(f: SourceFile, start: tuple[int, int], end: tuple[int, int]) -> str:
    lines = [ln.encode("utf-8") for ln in f.lines[start[0] - 1 : end[0]]]
    if len(lines) == 1:
        return lines[0][start[1] : end[1]].decode("utf-8")
    return b"\n".join([lines[0][start[1]:], *lines[1:-1], lines[-1][: end[1]]]).decode("utf-8")
