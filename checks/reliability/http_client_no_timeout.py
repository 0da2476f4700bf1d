"""http.client-no-timeout: outbound HTTP calls/clients with no timeout (Python and Go)."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.lang import golang as g
from checks.lang.pyflow import Flow
from checks.lang.python import dotted, qualname
from checks.model import Hit, Severity
from checks.registry import Context, Example, rule
from checks.reliability import _go
from checks.security._web import is_non_prod_path
from checks.source import SourceFile

_VERBS = {"get", "post", "put", "patch", "delete", "head", "options", "request"}
_PY_FUNCS = {f"requests.{v}" for v in _VERBS} | {f"requests.api.{v}" for v in _VERBS}
_PY_FUNCS |= {f"httpx.{v}" for v in _VERBS | {"stream"}}
_PY_CLIENTS = {
    "httpx.Client": "httpx.Client()",
    "httpx.AsyncClient": "httpx.AsyncClient()",
    "aiohttp.ClientSession": "aiohttp.ClientSession()",
    "aiohttp.client.ClientSession": "aiohttp.ClientSession()",
}
_PY_SESSIONS = {"requests.Session", "requests.session", "requests.sessions.Session"}
_GO_FUNCS = {"Get", "Post", "Head", "PostForm"}
_CLI_LIBS = ("click", "argparse", "typer", "fire", "docopt")
_GO_DEADLINE = re.compile(r"\bcontext\.With(Timeout|Deadline)\(")


@rule(
    "http.client-no-timeout",
    severity="HIGH",
    area="reliability",
    title="Outbound HTTP call without a timeout",
    why="An HTTP call with no timeout waits forever on a slow or hung upstream, holding a worker, "
        "a connection and memory until the process runs out of them.",
    fix="Pass an explicit timeout on every call (`requests.get(url, timeout=10)`), create clients "
        "with one (`httpx.Client(timeout=10)`, `aiohttp.ClientSession(timeout=ClientTimeout(total=10))`), "
        "and in Go use a shared `&http.Client{Timeout: 10 * time.Second}` instead of "
        "`http.Get`/`http.DefaultClient`.",
    kinds={"python", "go"},
    example=Example(
        path="app/clients/billing.py",
        bad='import requests\n\n\ndef charge(url, body):\n    return requests.post(url, json=body)\n',
        good='import requests\n\n\ndef charge(url, body):\n    return requests.post(url, json=body, timeout=10)\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "go" in f.kinds:
        if not _go.not_service_code(f):
            yield from _check_go(f)
    elif "python" in f.kinds:
        yield from _check_py(f)


# --- Python -------------------------------------------------------------------------------------

def _has_timeout(call: ast.Call, flow: Flow) -> bool:
    """A timeout given directly, through a variable or in `**options`; unreadable `**kwargs` count as one."""
    t = flow.keyword(call, "timeout")
    if t is not None:
        return flow.constant(t) is not None
    spreads = [kw.value for kw in call.keywords if kw.arg is None]
    # `**opts` the flow can read fully (a dict literal) without a timeout key: no timeout
    return any(not isinstance(flow.resolve(v), ast.Dict) for v in spreads)


def _check_py(f: SourceFile) -> Iterator[Hit]:
    tree = f.python
    imps = f.python_imports
    if not any(v.split(".")[0] in ("requests", "httpx", "aiohttp") for v in imps.values()):
        return
    flow = Flow(tree, f.python_parents)
    sessions: set[str] = set()  # dotted names bound to requests.Session() objects
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        value = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None and isinstance(item.context_expr, ast.Call) and \
                        qualname(item.context_expr.func, imps) in _PY_SESSIONS:
                    name = dotted(item.optional_vars)
                    if name:
                        sessions.add(name)
            continue
        if isinstance(value, ast.Call) and qualname(value.func, imps) in _PY_SESSIONS:
            for t in targets:
                name = dotted(t)
                if name:
                    sessions.add(name)
    seen: set[int] = set()
    # a command-line tool or script the operator runs and can interrupt: a hang there is not an outage
    tool = is_non_prod_path(f.path) or any(v.split(".")[0] in _CLI_LIBS for v in imps.values())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = qualname(node.func, imps) or ""
        msg = None
        if name in _PY_FUNCS and not _has_timeout(node, flow):
            msg = f"`{dotted(node.func)}(...)` is called without `timeout=`, so it can hang forever"
        elif name in _PY_CLIENTS and not _has_timeout(node, flow):
            msg = f"`{_PY_CLIENTS[name]}` is created without `timeout=`"
        elif isinstance(node.func, ast.Attribute) and node.func.attr in _VERBS:
            owner = dotted(node.func.value)
            if owner and owner in sessions and not _has_timeout(node, flow):
                msg = f"`{owner}.{node.func.attr}(...)` on a requests Session passes no `timeout=` " \
                      "(sessions have no default timeout)"
        if msg and node.lineno not in seen:
            seen.add(node.lineno)
            if tool:
                yield Hit(node.lineno, message=msg, severity=Severity.MEDIUM,
                          note="MEDIUM: a command-line tool or script, not a long-running service")
            else:
                yield Hit(node.lineno, message=msg)


# --- Go -----------------------------------------------------------------------------------------

def _assigned_var(lit: g.Node) -> tuple[str, g.Node | None]:
    """Variable a composite literal (or &literal) is assigned to, and the enclosing function."""
    node = lit
    if node.parent is not None and node.parent.type == "unary_expression":
        node = node.parent
    p = node.parent
    if p is not None and p.type == "expression_list":
        p = p.parent
    name = ""
    if p is not None and p.type in ("short_var_declaration", "assignment_statement", "var_spec"):
        left = p.child_by_field_name("left") or p.child_by_field_name("name")
        name = g.text(left)
    elif p is not None and p.type == "keyed_element":
        kids = p.named_children
        name = g.text(kids[0]) if kids else ""
    return name, _go.enclosing_func(lit)


def _sets_field(scope: g.Node | None, var: str, fields: set[str]) -> bool:
    """`var.Timeout = ...` (or `x.var.Timeout`) somewhere in scope."""
    if scope is None or not var:
        return False
    for a in g.walk(scope, "assignment_statement"):
        left = g.text(a.child_by_field_name("left"))
        for fld in fields:
            if left == f"{var}.{fld}" or left.endswith(f".{var}.{fld}"):
                return True
    return False


def _check_go(f: SourceFile) -> Iterator[Hit]:
    root = f.go
    imps = g.imports(root)
    http_names = {k for k, v in imps.items() if v == "net/http"}
    if not http_names:
        return
    seen: set[int] = set()
    file_deadlines = bool(_GO_DEADLINE.search(f.text))

    def hit(node: g.Node, msg: str, bounded_by_context: bool = False) -> Iterator[Hit]:
        ln = g.line(node)
        if ln in seen:
            return
        seen.add(ln)
        if bounded_by_context:
            func = _go.enclosing_func(node)
            if func is not None and _GO_DEADLINE.search(g.text(func)):
                return  # the request carries a context deadline set in this function
            if file_deadlines:
                yield Hit(ln, message=msg, severity=Severity.LOW,
                          note="LOW: this file bounds its requests with context deadlines")
                return
        yield Hit(ln, message=msg)

    default_timeout_set = False
    for a in g.walk(root, "assignment_statement"):
        left = g.text(a.child_by_field_name("left"))
        if any(left == f"{h}.DefaultClient.Timeout" for h in http_names):
            default_timeout_set = True

    for node in g.walk(root, "call_expression", "selector_expression", "composite_literal"):
        if node.type == "call_expression":
            q = _go.call_qual(node, imps)
            pkg, _, fn = q.rpartition(".")
            if pkg == "net/http" and fn in _GO_FUNCS:
                yield from hit(node, f"`{g.call_name(node)}` uses http.DefaultClient, which has no timeout")
        elif node.type == "selector_expression":
            if _go.qual(node, imps) != "net/http.DefaultClient" or default_timeout_set:
                continue
            parent = node.parent
            if parent is not None and parent.type == "selector_expression" and \
                    g.text(parent.child_by_field_name("field")) == "Timeout":
                continue
            yield from hit(node, "`http.DefaultClient` has no timeout; requests through it can hang forever", True)
        else:
            typ = node.child_by_field_name("type")
            if _go.qual(typ, imps) != "net/http.Client":
                continue
            if "Timeout" in g.composite_fields(node):
                continue
            var, scope = _assigned_var(node)
            if _sets_field(scope or root, var, {"Timeout"}):
                continue
            label = f"`{var}`" if var else "An `http.Client`"
            yield from hit(node, f"{label} is built as `http.Client{{...}}` without `Timeout`", True)
