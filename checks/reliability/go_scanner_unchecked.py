"""go.scanner-unchecked: bufio.Scanner loops whose error is never checked, and network scans with no Buffer."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang as g
from checks.registry import Context, Example, rule
from checks.reliability import _go
from checks.source import SourceFile

# Readers that come from the network: HTTP bodies, connections, streams.
_NETWORK = re.compile(r"(\.Body$|\bconn\b|Conn$|\bstream\b|Stream$|\bsse\b)", re.I)


def _scanner_vars(fn_body: g.Node, imps: dict[str, str]) -> list[tuple[str, g.Node, g.Node]]:
    """(variable, declaration node, NewScanner argument) for scanners created in this function."""
    out = []
    for decl in _go.walk_same_func(fn_body, "short_var_declaration", "assignment_statement", "var_spec"):
        left = decl.child_by_field_name("left") or decl.child_by_field_name("name")
        right = decl.child_by_field_name("right") or decl.child_by_field_name("value")
        if left is None or right is None:
            continue
        lefts = left.named_children if left.type == "expression_list" else [left]
        rights = right.named_children if right.type == "expression_list" else [right]
        for lv, rv in zip(lefts, rights, strict=False):
            if rv.type == "call_expression" and _go.call_qual(rv, imps) == "bufio.NewScanner":
                args = g.call_args(rv)
                out.append((g.text(lv), rv, args[0] if args else rv))
    return out


def _method_calls(scope: g.Node, var: str, method: str) -> list[g.Node]:
    out = []
    for c in g.walk(scope, "call_expression"):
        fn = c.child_by_field_name("function")
        if fn is not None and fn.type == "selector_expression" and \
                g.text(fn.child_by_field_name("field")) == method and \
                g.text(fn.child_by_field_name("operand")) == var:
            out.append(c)
    return out


@rule(
    "go.scanner-unchecked",
    severity="MEDIUM",
    area="reliability",
    title="bufio.Scanner loop without an Err() check",
    why="`Scan()` returns false both at EOF and on errors, including `bufio.ErrTooLong` for lines over "
        "64 KiB; without `scanner.Err()` a broken connection or an oversized line silently truncates "
        "the input.",
    fix="After the loop, `if err := scanner.Err(); err != nil { return err }`; when scanning network "
        "or LLM streams, raise the limit with `scanner.Buffer(make([]byte, 0, 64*1024), maxLine)`.",
    kinds={"go"},
    example=Example(
        path="internal/ingest/lines.go",
        bad='package ingest\n\nimport (\n\t"bufio"\n\t"os"\n)\n\nfunc Count(f *os.File) int {\n'
            '\tn := 0\n\ts := bufio.NewScanner(f)\n\tfor s.Scan() {\n\t\tn++\n\t}\n\treturn n\n}\n',
        good='package ingest\n\nimport (\n\t"bufio"\n\t"os"\n)\n\nfunc Count(f *os.File) (int, error) {\n'
             '\tn := 0\n\ts := bufio.NewScanner(f)\n\tfor s.Scan() {\n\t\tn++\n\t}\n'
             '\tif err := s.Err(); err != nil {\n\t\treturn 0, err\n\t}\n\treturn n, nil\n}\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if _go.not_service_code(f):
        return
    root = f.go
    imps = g.imports(root)
    if "bufio" not in imps.values():
        return
    seen: set[int] = set()
    for fn in g.walk(root, *_go.FUNC_TYPES):
        fn_body = _go.body(fn)
        if fn_body is None:
            continue
        for var, new_call, arg in _scanner_vars(fn_body, imps):
            # Scanner stored in a field or returned: someone else reads it; only judge local loops.
            scans = [c for c in _method_calls(fn_body, var, "Scan") if c.start_byte > new_call.start_byte]
            loops = [c for c in scans if _go.in_loop(c, fn_body) or
                     (c.parent is not None and c.parent.type == "for_statement")]
            if loops and not _method_calls(fn_body, var, "Err"):
                ln = g.line(loops[0])
                if ln not in seen:
                    seen.add(ln)
                    yield Hit(ln, message=f"`{var}.Scan()` loop never checks `{var}.Err()`, so read errors "
                                          "and over-long lines end the loop silently")
            if scans and _NETWORK.search(g.text(arg)) and not _method_calls(fn_body, var, "Buffer"):
                ln = g.line(new_call)
                if ln not in seen:
                    seen.add(ln)
                    yield Hit(ln, message=f"`{var}` scans the network stream `{g.text(arg)}` with the default "
                                          f"64 KiB line limit; set `{var}.Buffer(...)`")
