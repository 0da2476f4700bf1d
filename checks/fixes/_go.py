"""Go helpers of the fixers: remove or add an element of a composite literal, gofmt-aligned."""
from __future__ import annotations

from typing import TYPE_CHECKING

from checks.fixes import Suggestion
from checks.fixes._edit import indent, remove_item, replace_lines
from checks.lang import golang as g

if TYPE_CHECKING:
    from checks.source import SourceFile


def _elements(body: g.Node) -> list[g.Node]:
    return [c for c in body.named_children if c.type != "comment"]


def _one_line_keyed(e: g.Node) -> bool:
    return e.type == "keyed_element" and e.start_point[0] == e.end_point[0]


def _run(elems: list[g.Node], at: int) -> list[g.Node]:
    """The section of elements around `elems[at]` gofmt aligns together: one-line `key: value`
    elements on consecutive lines."""
    lo = hi = at
    while lo > 0 and _one_line_keyed(elems[lo - 1]) and elems[lo - 1].end_point[0] + 1 == elems[lo].start_point[0]:
        lo -= 1
    while hi + 1 < len(elems) and _one_line_keyed(elems[hi + 1]) and \
            elems[hi].end_point[0] + 1 == elems[hi + 1].start_point[0]:
        hi += 1
    return elems[lo : hi + 1]


def _pair(f: SourceFile, e: g.Node) -> tuple[str, str, str]:
    """(key, value, what follows the value on its line: `,` and any comment) of a one-line element."""
    kids = [c for c in e.named_children if c.type != "comment"]
    after = f.lines[e.start_point[0]].encode("utf-8")[kids[-1].end_point[1]:].decode("utf-8")
    return g.text(kids[0]).strip(), g.text(kids[-1]), after


def _aligned(pad: str, pairs: list[tuple[str, str, str]]) -> list[str]:
    width = max(len(k) for k, _v, _a in pairs) + 1
    return [f"{pad}{(k + ':').ljust(width)} {v}{a}" for k, v, a in pairs]


def drop_element(f: SourceFile, elem: g.Node) -> Suggestion:
    body = elem.parent
    siblings = _elements(body)
    if len(body.named_children) == 1 and body.start_point[0] != body.end_point[0]:
        # the only field: `T{\n\tX: y,\n}` becomes `T{}`, as gofmt writes an empty literal
        (ol, oc), (cl, cc) = body.start_point, body.end_point
        head, tail = f.lines[ol].encode("utf-8")[:oc], f.lines[cl].encode("utf-8")[cc:]
        return replace_lines(ol + 1, cl + 1, [(head + b"{}" + tail).decode("utf-8")])
    i = siblings.index(elem)
    run = _run(siblings, i) if _one_line_keyed(elem) else [elem]
    if len(run) > 1 and all(not f.lines[e.start_point[0]].encode("utf-8")[: e.start_point[1]].strip() for e in run):
        # a line of an aligned section goes: the rest is re-aligned the way gofmt would
        rest = [e for e in run if e.start_byte != elem.start_byte]
        lines = _aligned(indent(f.lines[run[0].start_point[0]]), [_pair(f, e) for e in rest])
        return replace_lines(run[0].start_point[0] + 1, run[-1].end_point[0] + 1, lines)
    before = siblings[i - 1].end_point if i > 0 else None
    after = siblings[i + 1].start_point if i + 1 < len(siblings) else None
    span = (elem.start_point[0] + 1, elem.start_point[1], elem.end_point[0] + 1, elem.end_point[1])
    return remove_item(f, span, (before[0] + 1, before[1]) if before else None,
                       (after[0] + 1, after[1]) if after else None)


def alone_on_lines(f: SourceFile, stmt: g.Node) -> bool:
    first = f.lines[stmt.start_point[0]].encode("utf-8")
    last = f.lines[stmt.end_point[0]].encode("utf-8")
    rest = last[stmt.end_point[1]:].strip()
    return not first[: stmt.start_point[1]].strip() and (not rest or rest.startswith(b"//")) and \
        stmt.parent is not None and len(_elements(stmt.parent)) > 1


def add_field(f: SourceFile, lit: g.Node, key: str, value: str) -> Suggestion | None:
    """Add `key: value` to a keyed composite literal, on one line or as a new last line."""
    body = lit.child_by_field_name("body")
    if body is None:
        return None
    elems = _elements(body)
    if any(e.type != "keyed_element" for e in elems):
        return None  # positional fields: adding a keyed one would not compile
    open_line, close_line = body.start_point[0] + 1, body.end_point[0] + 1
    if open_line == close_line:  # `&http.Client{}` / `&http.Client{Transport: t}`
        inner = g.text(body)[1:-1].strip()
        new = f"{{{inner}, {key}: {value}}}" if inner else f"{{{key}: {value}}}"
        head = f.lines[open_line - 1].encode("utf-8")
        text = (head[: body.start_point[1]] + new.encode("utf-8") + head[body.end_point[1]:]).decode("utf-8")
        return replace_lines(open_line, open_line, [text])
    if not elems:
        pad = indent(f.lines[open_line - 1]) + "\t"
        return replace_lines(open_line, close_line, [f.lines[open_line - 1], f"{pad}{key}: {value},",
                                                     f.lines[close_line - 1]])
    last = elems[-1]
    if last.end_point[0] + 1 >= close_line:
        return None  # `}` on the line of the last element: not gofmt's shape, leave it alone
    if not _one_line_keyed(last):
        pad = indent(f.lines[last.start_point[0]])
        tail = last.end_point[0] + 1
        return replace_lines(tail, tail, [f.lines[tail - 1], f"{pad}{key}: {value},"])
    # the new last line joins the section of the last element, which gofmt aligns together
    run = _run(elems, len(elems) - 1)
    lines = _aligned(indent(f.lines[run[0].start_point[0]]), [*(_pair(f, e) for e in run), (key, value, ",")])
    return replace_lines(run[0].start_point[0] + 1, run[-1].end_point[0] + 1, lines)
