"""http.client-no-timeout: add `timeout=` to Python HTTP calls/clients, `Timeout:` to Go `http.Client{}`."""
from __future__ import annotations

import ast

from checks.fixes import FixContext, Suggestion, Where, fixer
from checks.fixes import _go, _py
from checks.fixes._edit import indent, replace_lines, splice
from checks.lang import golang as g
from checks.lang.python import dotted, has_star_kwargs, kwarg, qualname
from checks.source import SourceFile

DEFAULT_SECONDS = 10
_VERBS = {"get", "post", "put", "patch", "delete", "head", "options", "request", "stream"}
_CLIENTS = {"Client", "AsyncClient", "ClientSession"}


@fixer("http.client-no-timeout")
def fix(f: SourceFile, where: Where, ctx: FixContext) -> Suggestion | None:
    seconds = ctx.options.get("fix_timeout_seconds", DEFAULT_SECONDS)
    if "python" in f.kinds:
        return _python(f, where.line, seconds)
    if "go" in f.kinds:
        return _golang(f, where.line, seconds)
    return None


def _python(f: SourceFile, line: int, seconds: int) -> Suggestion | None:
    imports = f.python_imports
    found = [c for c in _py.calls_on(f, line) if isinstance(c.func, (ast.Attribute, ast.Name))
             and (dotted(c.func) or "").rsplit(".", 1)[-1] in _VERBS | _CLIENTS
             and kwarg(c, "timeout") is None and not has_star_kwargs(c)]
    if len(found) != 1:
        return None
    call = found[0]
    name = qualname(call.func, imports) or ""
    value = str(seconds)
    if name.startswith("aiohttp."):
        module = next((k for k, v in imports.items() if v == "aiohttp"), None)
        if module is None:
            return None  # ClientTimeout is not reachable without a new import
        value = f"{module}.ClientTimeout(total={seconds})"
    return _add_keyword(f, call, f"timeout={value}")


def _add_keyword(f: SourceFile, call: ast.Call, text: str) -> Suggestion | None:
    args = _py.arguments(call)
    close = (call.end_lineno, call.end_col_offset - 1)  # the `)`
    if not args:
        return splice(f, close, close, text)
    last = args[-1]
    between = _between(f, (last.end_lineno, last.end_col_offset), close)
    if "\n" in between:  # one argument per line, `)` on its own line: a new line in the same style
        pad = indent(f.lines[last.lineno - 1])
        comma = "," if between.lstrip().startswith(",") else ""
        tail = f.lines[last.end_lineno - 1]
        if not comma:
            edited = splice(f, (last.end_lineno, last.end_col_offset), (last.end_lineno, last.end_col_offset), ",")
            tail = edited.replacement.rstrip("\n")
        return replace_lines(last.end_lineno, last.end_lineno, [tail, f"{pad}{text}{comma or ','}"])
    end = (last.end_lineno, last.end_col_offset)
    return splice(f, end, end, f", {text}")


def _between(f: SourceFile, start: tuple[int, int], end: tuple[int, int]) -> str:
    lines = [ln.encode("utf-8") for ln in f.lines[start[0] - 1 : end[0]]]
    if len(lines) == 1:
        return lines[0][start[1] : end[1]].decode("utf-8")
    return b"\n".join([lines[0][start[1]:], *lines[1:-1], lines[-1][: end[1]]]).decode("utf-8")


def _golang(f: SourceFile, line: int, seconds: int) -> Suggestion | None:
    root = f.go
    imps = g.imports(root)
    time_pkg = next((k for k, v in imps.items() if v == "time"), None)
    http_pkgs = {k for k, v in imps.items() if v == "net/http"}
    if time_pkg is None:
        return None  # the fix would need a new import, in another part of the file
    lits = [n for n in g.walk(root, "composite_literal") if g.line(n) == line and
            g.text(n.child_by_field_name("type")) in {f"{h}.Client" for h in http_pkgs}]
    if len(lits) != 1:
        return None  # `http.Get(...)` and `http.DefaultClient`: which client to use is a design choice
    return _go.add_field(f, lits[0], "Timeout", f"{seconds} * {time_pkg}.Second")
