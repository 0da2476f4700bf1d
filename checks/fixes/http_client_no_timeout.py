"""http.client-no-timeout: add `timeout=` to Python HTTP calls/clients, `Timeout:` to Go `http.Client{}`."""
from __future__ import annotations

import ast

from checks.fixes import FixContext, Suggestion, Where, _go, _py, fixer
from checks.lang import golang as g
from checks.lang.python import dotted, has_star_kwargs, kwarg, qualname
from checks.source import SourceFile

DEFAULT_SECONDS = 10
_VERBS = {"get", "post", "put", "patch", "delete", "head", "options", "request", "stream"}
_CLIENTS = {"Client", "AsyncClient", "ClientSession"}


@fixer("http.client-no-timeout")
def fix(f: SourceFile, where: Where, ctx: FixContext) -> Suggestion | None:
    # configurable once the rule declares a `fix_timeout_seconds` option; 10 s until then
    seconds = ctx.options.get("fix_timeout_seconds", DEFAULT_SECONDS)
    if "python" in f.kinds:
        return _python(f, where.line, seconds)
    if "go" in f.kinds:
        return _golang(f, where.line, seconds)
    return None


def _python(f: SourceFile, line: int, seconds: int) -> Suggestion | None:
    imports = f.python_imports
    found = [c for c in _py.calls_on(f, line) if _http_call(c, imports)
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
    return _py.add_keyword(f, call, f"timeout={value}")


def _http_call(call: ast.Call, imports: dict[str, str]) -> bool:
    """A call the rule may flag: an HTTP library function or client, or a verb on a session."""
    name = qualname(call.func, imports) or dotted(call.func) or ""
    last = name.rsplit(".", 1)[-1]
    if name.split(".")[0] in ("requests", "httpx", "aiohttp"):
        return last in _VERBS | _CLIENTS
    return isinstance(call.func, ast.Attribute) and last in _VERBS


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
