"""auth.token-in-url: bearer/JWT tokens read from (or put into) the URL query string."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang as go
from checks.lang.python import call_name, dotted
from checks.registry import Context, Example, rule
from checks.security import _web
from checks.source import SourceFile

# Attribute chains that are a request's query string.
_PY_QUERY_ATTRS = ("args", "query_params", "GET", "query", "query_arguments")
_PY_QUERY_SOURCE = re.compile(
    r"(^|\.)(request|req|websocket|ws|self\.request|scope|conn|connection)\.(args|query_params|GET|query|"
    r"rel_url\.query|url\.query_params)$")
_PY_ROUTE_ATTRS = {"get", "post", "put", "patch", "delete", "websocket", "api_route", "route"}
_QUERY_MARKERS = {"fastapi.Query", "fastapi.params.Query", "Query"}
_NON_QUERY_MARKERS = re.compile(r"(^|\.)(Depends|Header|Cookie|Body|Form|File|Security|Path)$")
_GO_QUERY_METHODS = {"Query", "DefaultQuery", "GetQuery", "QueryParam", "QueryArray", "GetQueryArray",
                     "QueryParams"}


def _is_token(name: str | None) -> bool:
    return bool(name) and bool(_web.TOKEN_NAME.match(name or ""))


@rule(
    "auth.token-in-url",
    severity="HIGH",
    area="security",
    title="Auth token passed in the URL query string",
    why="Query strings end up in access logs, proxy and CDN logs, browser history and Referer headers, so a "
        "bearer token sent as `?token=` leaks to everyone who can read those.",
    fix="Send the token in the `Authorization` header (or, for browser WebSockets, in a first message after "
        "connecting or via the `Sec-WebSocket-Protocol` header / a short-lived single-use ticket) and stop "
        "reading it from the query string.",
    kinds={"python", "go", "js"},
    example=Example(
        path="app/api/ws.py",
        bad='from flask import Flask, request\n\napp = Flask(__name__)\n\n@app.route("/me")\ndef me():\n'
            '    token = request.args.get("token")\n    return verify(token)\n',
        good='from flask import Flask, request\n\napp = Flask(__name__)\n\n@app.route("/me")\ndef me():\n'
             '    token = request.headers.get("Authorization", "").removeprefix("Bearer ")\n'
             '    return verify(token)\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "python" in f.kinds:
        yield from _python(f)
    elif "go" in f.kinds:
        yield from _golang(f)
    elif "js" in f.kinds:
        yield from _javascript(f)


# --- Python ---------------------------------------------------------------------------------

def _python(f: SourceFile) -> Iterator[Hit]:
    if not re.search(r"(?i)token|jwt|api_?key|bearer", f.text):
        return
    imports = f.python_imports
    query_vars = _py_query_vars(f.python_of(ast.Assign), imports)
    for node in f.python_of(ast.Call, ast.Subscript):
        key, base = None, None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            if node.func.attr in ("get", "getlist", "get_one", "getone", "getall", "pop"):
                key, base = _web.const_str(node.args[0]), node.func.value
            elif node.func.attr in ("get_query_argument", "get_query_arguments"):
                if _is_token(_web.const_str(node.args[0])):
                    yield Hit(node.lineno, message=f"The `{_web.const_str(node.args[0])}` token is read from the "
                                                   "query string")
                continue
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            key, base = _web.const_str(node.slice), node.value
        if not _is_token(key) or base is None:
            continue
        if _is_query_source(base, imports, query_vars):
            yield Hit(node.lineno, message=f"The `{key}` token is read from the URL query string")
    # FastAPI parameters declared as query parameters.
    for fn in f.python_of(ast.FunctionDef, ast.AsyncFunctionDef):
        # dependencies (`async def get_user(token: str = Query(...))`) count when `Query` is FastAPI's
        yield from _fastapi_params(fn, imports, explicit_only=not _fastapi_route(fn))


def _is_query_source(base: ast.expr, imports: dict[str, str], query_vars: set[str]) -> bool:
    if isinstance(base, ast.Name) and base.id in query_vars:
        return True
    name = dotted(base) or ""
    if _PY_QUERY_SOURCE.search(name):
        return True
    if isinstance(base, ast.Call):
        q = call_name(base, imports)
        if q in ("urllib.parse.parse_qs", "urlparse.parse_qs", "parse_qs", "urllib.parse.parse_qsl") or \
                q.endswith(".parse_qs"):
            return True
        if q.endswith("query_params") or q.endswith("QueryParams"):
            return True
        # dict(request.query_params) / request.args.to_dict()
        if (dotted(base.func) or "").endswith(("args.to_dict", "query_params.items")):
            return True
        if q == "dict" and base.args and _is_query_source(base.args[0], imports, query_vars):
            return True
    return False


def _py_query_vars(assigns: list[ast.Assign], imports: dict[str, str]) -> set[str]:
    """Names bound to a request's query mapping: `params = request.query_params`, `qs = parse_qs(...)`."""
    out: set[str] = set()
    for _ in range(2):
        for node in assigns:
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                if _is_query_source(node.value, imports, out):
                    out.add(node.targets[0].id)
    return out


def _fastapi_route(fn: ast.AST) -> bool:
    for dec in fn.decorator_list:  # type: ignore[attr-defined]
        if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and dec.func.attr in _PY_ROUTE_ATTRS:
            return True
    return False


def _fastapi_params(fn: ast.FunctionDef | ast.AsyncFunctionDef, imports: dict[str, str],
                    explicit_only: bool = False) -> Iterator[Hit]:
    a = fn.args
    positional = [*a.posonlyargs, *a.args]
    defaults: dict[str, ast.expr | None] = {p.arg: None for p in [*positional, *a.kwonlyargs]}
    for p, d in zip(positional[len(positional) - len(a.defaults):], a.defaults, strict=True):
        defaults[p.arg] = d
    for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True):
        defaults[p.arg] = d
    for p in [*positional, *a.kwonlyargs]:
        if not _is_token(p.arg):
            continue
        default = defaults.get(p.arg)
        ann = p.annotation
        marker = None
        if isinstance(default, ast.Call):
            marker = call_name(default, imports)
        elif isinstance(ann, ast.Subscript) and (dotted(ann.value) or "").endswith("Annotated"):
            elts = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else []
            for e in elts[1:]:
                if isinstance(e, ast.Call):
                    marker = call_name(e, imports)
        if explicit_only and marker not in ("fastapi.Query", "fastapi.params.Query"):
            continue
        if marker is not None:
            if marker.rsplit(".", 1)[-1] == "Query":
                yield Hit(p.lineno, message=f"The `{p.arg}` parameter is declared as a query parameter, so the "
                                            "token travels in the URL")
            continue
        if ann is None or _NON_QUERY_MARKERS.search(dotted(ann) or ""):
            continue
        ann_src = ast.unparse(ann)
        if re.fullmatch(r"(Optional\[\s*str\s*\]|str(\s*\|\s*None)?|None\s*\|\s*str|typing\.Optional\[str\])",
                        ann_src):
            yield Hit(p.lineno, message=f"The plain `{p.arg}: str` route parameter is read from the query string")


# --- Go -------------------------------------------------------------------------------------

def _golang(f: SourceFile) -> Iterator[Hit]:
    if not re.search(r"(?i)token|jwt|api_?key|bearer", f.text):
        return
    root = f.go
    for call in go.walk(root, "call_expression"):
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "selector_expression":
            continue
        method = go.text(fn.child_by_field_name("field"))
        operand = fn.child_by_field_name("operand")
        args = go.call_args(call)
        if not args:
            continue
        key = go.string_value(args[0])
        if not _is_token(key):
            continue
        if method == "Get" and operand is not None and _go_is_query(operand, call):
            yield Hit(go.line(call), message=f"The `{key}` token is read from the URL query string")
        elif method in _GO_QUERY_METHODS:
            yield Hit(go.line(call), message=f"The `{key}` token is read from the URL query string")
    for idx in go.walk(root, "index_expression"):
        operand = idx.child_by_field_name("operand")
        index = idx.child_by_field_name("index")
        key = go.string_value(index) if index is not None else None
        if _is_token(key) and operand is not None and _go_is_query(operand, idx):
            yield Hit(go.line(idx), message=f"The `{key}` token is read from the URL query string")


def _go_is_query(operand: go.Node, at: go.Node) -> bool:
    t = go.text(operand).strip()
    if re.search(r"(\.URL\.Query\(\)|\.Query\(\)|\.QueryArgs\(\)|\.Queries\(\))$", t) and "Header" not in t:
        return True
    if operand.type != "identifier":
        return False
    fn = _web.go_enclosing_func(at)
    scope = go.text(fn) if fn is not None else ""
    return re.search(rf"\b{re.escape(t)}\s*(?:,\s*\w+\s*)?:?=\s*(?:[\w.]+\.URL\.Query\(\)|url\.ParseQuery\(|"
                     rf"[\w.]+\.Query\(\)\s*$)", scope, re.M) is not None


# --- JavaScript / TypeScript ---------------------------------------------------------------

_JS_STR = re.compile(r"""(`(?:\\.|[^`\\])*`|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")""")
_JS_TOKEN_PARAM = re.compile(
    r"[?&](access_token|accessToken|token|auth_token|authToken|jwt|id_token|bearer|api_key|apiKey|apikey|"
    r"session_token)=", re.I)
_JS_SOCKET = re.compile(r"\bnew\s+(?:\w+\.)?(?:WebSocket|EventSource|ReconnectingWebSocket|SockJS)\s*\(")
_JS_SERVER_READ = re.compile(
    r"\b(?:req|request|ctx\.request|ctx)\.query\s*(?:\.\s*(\w+)|\[\s*['\"]([\w-]+)['\"]\s*\])")
_JS_SEARCH_SET = re.compile(r"""\.searchParams\.(?:set|append)\(\s*['"]([\w-]+)['"]""")


def _javascript(f: SourceFile) -> Iterator[Hit]:
    if not re.search(r"(?i)token|jwt|api_?key|bearer", f.text) or _web.is_vendored_js(f.path):
        return
    text = _web.strip_js_comments(f.text)
    sockets = bool(_JS_SOCKET.search(text))
    seen: set[int] = set()

    def emit(offset: int, msg: str) -> Iterator[Hit]:
        line = f.line_at(offset)
        if line not in seen:
            seen.add(line)
            yield Hit(line, message=msg)

    socket_vars = set()
    for m in _JS_SOCKET.finditer(text):
        args = _web.balanced_call_args(text, m.end() - 1)
        socket_vars.update(re.findall(r"^\s*([A-Za-z_$][\w$]*)\s*(?:[,)]|$)", args))
    for m in _JS_STR.finditer(text):
        lit = m.group(0)
        pm = _JS_TOKEN_PARAM.search(lit)
        if not pm:
            continue
        tail = lit[pm.end():-1]
        if not (tail.startswith("${") or tail == ""):
            continue  # a fixed value, not a token being attached
        if not sockets and not re.search(r"^.?wss?://", lit):
            continue
        if _in_socket_context(text, m.start(), socket_vars) or re.search(r"^.?wss?://", lit):
            yield from emit(m.start(), f"`{pm.group(1)}` is put in the WebSocket/EventSource URL query string")
    if sockets:
        for m in _JS_SEARCH_SET.finditer(text):
            if _is_token(m.group(1)):
                yield from emit(m.start(), f"`{m.group(1)}` is added to the socket URL's query string")
    for m in _JS_SERVER_READ.finditer(text):
        key = m.group(1) or m.group(2)
        if _is_token(key):
            yield from emit(m.start(), f"The `{key}` token is read from the request query string")


def _in_socket_context(text: str, offset: int, socket_vars: set[str]) -> bool:
    """The literal is inside a `new WebSocket(...)` call or assigned to a variable passed to one."""
    start = text.rfind("\n", 0, max(0, offset - 1))
    stmt_start = max(0, start)
    window = text[max(0, offset - 300):offset]
    for m in _JS_SOCKET.finditer(window):
        args = _web.balanced_call_args(text, max(0, offset - 300) + m.end() - 1)
        if len(args) + max(0, offset - 300) + m.end() > offset:
            return True
    line_text = text[stmt_start:offset]
    am = re.search(r"\b(?:const|let|var)?\s*([A-Za-z_$][\w$]*)\s*(?::\s*\w+\s*)?=\s*[^=]*$", line_text)
    return bool(am and am.group(1) in socket_vars)
