"""go.http-server-no-timeout: HTTP servers started without read timeouts (slowloris)."""
from __future__ import annotations

from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang as g
from checks.registry import Context, Example, rule
from checks.reliability import _go
from checks.source import SourceFile

_READ_TIMEOUTS = {"ReadHeaderTimeout", "ReadTimeout"}
# Package-level helpers that start a server of their own, with no way to set a timeout.
_SERVE_FUNCS = {"net/http.ListenAndServe", "net/http.ListenAndServeTLS", "net/http.Serve", "net/http.ServeTLS"}


def _binding(node: g.Node) -> tuple[str, g.Node | None]:
    """(name the server value is bound to, the binding statement) for `srv := &http.Server{}` and kin."""
    if node.parent is not None and node.parent.type == "unary_expression":
        node = node.parent
    p = node.parent
    if p is not None and p.type == "expression_list":
        p = p.parent
    if p is not None and p.type in ("short_var_declaration", "assignment_statement", "var_spec"):
        left = p.child_by_field_name("left") or p.child_by_field_name("name")
        return g.text(left), p
    if p is not None and p.type == "keyed_element":
        kids = [c for c in p.named_children if c.type != "comment"]
        return (g.text(kids[0]).strip(), p) if kids else ("", None)
    return "", p


def _timeout_assigned(scope: g.Node, var: str) -> bool:
    """`srv.ReadHeaderTimeout = ...` (or `s.server.ReadTimeout = ...` for a field named `server`)."""
    tail = var.rsplit(".", 1)[-1]
    for a in g.walk(scope, "assignment_statement"):
        left = g.text(a.child_by_field_name("left"))
        for fld in _READ_TIMEOUTS:
            if not var and left.endswith(f".{fld}"):
                return True
            if var and (left == f"{var}.{fld}" or left.endswith(f".{tail}.{fld}") or left == f"{tail}.{fld}"):
                return True
    return False


def _set_later(node: g.Node, root: g.Node, var: str | None = None) -> bool:
    bound, stmt = _binding(node)
    var = var or bound
    if stmt is not None and stmt.type == "return_statement":
        return _set_by_callers(node, root)
    if not var:
        return False
    # a struct field (`srv: &http.Server{}` / `s.srv = ...`) may be configured by any method of the file
    field = stmt is not None and (stmt.type == "keyed_element" or "." in var)
    scope = root if field else (_go.enclosing_func(node) or root)
    return _timeout_assigned(scope, var)


def _set_by_callers(node: g.Node, root: g.Node) -> bool:
    """A constructor returns the server and its callers in this file set the timeout on the result."""
    fn = _go.enclosing(node, _go.NAMED_FUNC_TYPES)
    name = g.func_name(fn) if fn is not None else ""
    if not name:
        return False
    for call in g.walk(root, "call_expression"):
        if g.call_name(call).rsplit(".", 1)[-1] != name:
            continue
        var, stmt = _binding(call)
        if var and stmt is not None and _timeout_assigned(_go.enclosing_func(call) or root, var):
            return True
    return False


def _zero_value_servers(root: g.Node, imps: dict[str, str]) -> Iterator[tuple[g.Node, str]]:
    """`var srv http.Server` (no value) and `srv := new(http.Server)`: servers whose fields are set later."""
    for spec in g.walk(root, "var_spec"):
        if spec.child_by_field_name("value") is None and \
                _go.qual(spec.child_by_field_name("type"), imps) == "net/http.Server" and \
                _go.enclosing_func(spec) is not None:
            yield spec, g.text(spec.child_by_field_name("name"))
    for call in g.walk(root, "call_expression"):
        args = g.call_args(call)
        if g.call_name(call) == "new" and len(args) == 1 and _go.qual(args[0], imps) == "net/http.Server":
            yield call, _binding(call)[0]


@rule(
    "go.http-server-no-timeout",
    severity="HIGH",
    area="reliability",
    title="HTTP server without read timeouts",
    why="A server with no ReadHeaderTimeout/ReadTimeout keeps a connection and goroutine open for "
        "every slow or idle client, so a handful of slowloris clients can exhaust it. Covers "
        "`http.ListenAndServe[TLS]`, `http.Serve[TLS]` and `http.Server` values however they are built "
        "(literal, `new(http.Server)`, zero value) unless a read timeout is set on them later; `// #nosec G112` "
        "marks a reviewed exception.",
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

    def report(node: g.Node, message: str) -> Iterator[Hit]:
        ln = g.line(node)
        if ln not in seen and not _go.gosec_suppressed(f.lines, ln, ("G112", "G114")):
            seen.add(ln)
            yield Hit(ln, message=message)

    for node in g.walk(root, "call_expression", "composite_literal"):
        if node.type == "call_expression":
            if _go.call_qual(node, imps) in _SERVE_FUNCS:
                yield from report(node, f"`{g.call_name(node)}` serves with a default `http.Server` that has no "
                                        "read, write or idle timeouts")
            continue
        if _go.qual(node.child_by_field_name("type"), imps) != "net/http.Server":
            continue
        if _READ_TIMEOUTS & g.composite_fields(node).keys() or _set_later(node, root):
            continue
        var = _binding(node)[0]
        name = f"`{var}`" if var else "This `http.Server`"
        yield from report(node, f"{name} is an `http.Server{{...}}` without `ReadHeaderTimeout` or `ReadTimeout`")
    for node, var in _zero_value_servers(root, imps):
        if var and not _set_later(node, root, var):
            yield from report(node, f"`{var}` is an `http.Server` whose `ReadHeaderTimeout`/`ReadTimeout` is "
                                    "never set")
