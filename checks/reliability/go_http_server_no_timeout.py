"""go.http-server-no-timeout: HTTP servers started without read timeouts (slowloris)."""
from __future__ import annotations

from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang as g
from checks.registry import Context, Example, rule
from checks.reliability import _go
from checks.source import SourceFile

_READ_TIMEOUTS = {"ReadHeaderTimeout", "ReadTimeout"}


def _assigned_var(lit: g.Node) -> str:
    node = lit
    if node.parent is not None and node.parent.type == "unary_expression":
        node = node.parent
    p = node.parent
    if p is not None and p.type == "expression_list":
        p = p.parent
    if p is not None and p.type in ("short_var_declaration", "assignment_statement", "var_spec"):
        left = p.child_by_field_name("left") or p.child_by_field_name("name")
        return g.text(left)
    if p is not None and p.type == "keyed_element":
        kids = p.named_children
        return g.text(kids[0]) if kids else ""
    return ""


def _sets_timeout_later(scope: g.Node, var: str) -> bool:
    if not var:
        return False
    for a in g.walk(scope, "assignment_statement"):
        left = g.text(a.child_by_field_name("left"))
        for fld in _READ_TIMEOUTS:
            if left == f"{var}.{fld}" or left.endswith(f".{var}.{fld}"):
                return True
    return False


@rule(
    "go.http-server-no-timeout",
    severity="HIGH",
    area="reliability",
    title="HTTP server without read timeouts",
    why="A server with no ReadHeaderTimeout/ReadTimeout keeps a connection and goroutine open for "
        "every slow or idle client, so a handful of slowloris clients can exhaust it.",
    fix="Start the server from an `&http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second, "
        "ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second}` "
        "instead of `http.ListenAndServe`.",
    kinds={"go"},
    example=Example(
        path="internal/server/server.go",
        bad='package server\n\nimport "net/http"\n\nfunc Run(h http.Handler) error {\n'
            '\treturn http.ListenAndServe(":8080", h)\n}\n',
        good='package server\n\nimport (\n\t"net/http"\n\t"time"\n)\n\nfunc Run(h http.Handler) error {\n'
             '\tsrv := &http.Server{Addr: ":8080", Handler: h, ReadHeaderTimeout: 5 * time.Second}\n'
             '\treturn srv.ListenAndServe()\n}\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if _go.not_service_code(f):
        return
    root = f.go
    imps = g.imports(root)
    if "net/http" not in imps.values():
        return
    seen: set[int] = set()
    for node in g.walk(root, "call_expression", "composite_literal"):
        if node.type == "call_expression":
            q = _go.call_qual(node, imps)
            if q in ("net/http.ListenAndServe", "net/http.ListenAndServeTLS"):
                ln = g.line(node)
                if ln not in seen:
                    seen.add(ln)
                    yield Hit(ln, message=f"`{g.call_name(node)}` starts a server with no read, write or "
                                          "idle timeouts")
            continue
        if _go.qual(node.child_by_field_name("type"), imps) != "net/http.Server":
            continue
        fields = g.composite_fields(node)
        if _READ_TIMEOUTS & fields.keys():
            continue
        var = _assigned_var(node)
        if _sets_timeout_later(_go.enclosing_func(node) or root, var):
            continue
        ln = g.line(node)
        if ln not in seen:
            seen.add(ln)
            name = f"`{var}`" if var else "This `http.Server`"
            yield Hit(ln, message=f"{name} is an `http.Server{{...}}` without `ReadHeaderTimeout` or `ReadTimeout`")
