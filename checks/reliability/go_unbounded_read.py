"""go.unbounded-read: io.ReadAll on an HTTP body with no size limit."""
from __future__ import annotations

from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang as g
from checks.registry import Context, Example, rule
from checks.reliability import _go
from checks.source import SourceFile

_READALL = {"io.ReadAll", "io/ioutil.ReadAll"}
_LIMITERS = {"io.LimitReader", "net/http.MaxBytesReader", "io.NewSectionReader"}


def _is_limiter(node: g.Node, imps: dict[str, str]) -> bool:
    for c in g.walk(node, "call_expression"):
        q = _go.call_qual(c, imps)
        name = g.call_name(c)
        if q in _LIMITERS or "LimitReader" in name or "MaxBytesReader" in name or "LimitedReader" in name:
            return True
    for c in g.walk(node, "composite_literal"):
        if "LimitedReader" in g.text(c.child_by_field_name("type")):
            return True
    return False


def _body_source(arg: g.Node, scope: g.Node, imps: dict[str, str]) -> str | None:
    """The HTTP body expression `arg` reads (`resp.Body`, or a variable assigned from one)."""
    if arg.type == "selector_expression" and g.text(arg.child_by_field_name("field")) == "Body":
        return g.text(arg)
    if arg.type == "identifier":
        name = g.text(arg)
        source = None
        for decl in g.walk(scope, "short_var_declaration", "assignment_statement", "var_spec"):
            if decl.start_byte >= arg.start_byte:
                continue
            left = decl.child_by_field_name("left") or decl.child_by_field_name("name")
            right = decl.child_by_field_name("right") or decl.child_by_field_name("value")
            if left is None or right is None or g.text(left) != name:
                continue
            vals = right.named_children if right.type == "expression_list" else [right]
            if len(vals) != 1:
                continue
            if _is_limiter(vals[0], imps):
                return None  # the variable is (re)bound to a limited reader before the read
            if vals[0].type == "selector_expression" and g.text(vals[0].child_by_field_name("field")) == "Body":
                source = g.text(vals[0])
        return source
    return None


def _limited_earlier(scope: g.Node, body: str, before: int, imps: dict[str, str]) -> bool:
    """`r.Body = http.MaxBytesReader(w, r.Body, n)` (or a LimitReader) earlier in the function."""
    for a in g.walk(scope, "assignment_statement"):
        if a.start_byte >= before:
            continue
        if g.text(a.child_by_field_name("left")) == body and _is_limiter(a.child_by_field_name("right"), imps):
            return True
    return False


@rule(
    "go.unbounded-read",
    severity="HIGH",
    area="reliability",
    title="HTTP body read with io.ReadAll and no size limit",
    why="`io.ReadAll` on a request or response body buffers whatever the peer sends; one large or "
        "endless body exhausts memory and kills the process.",
    fix="Bound the read: `io.ReadAll(io.LimitReader(resp.Body, maxBytes))`, or for servers "
        "`r.Body = http.MaxBytesReader(w, r.Body, maxBytes)` before reading.",
    kinds={"go"},
    example=Example(
        path="internal/api/upload.go",
        bad='package api\n\nimport (\n\t"io"\n\t"net/http"\n)\n\nfunc Upload(w http.ResponseWriter, r *http.Request) {\n'
            '\tdata, err := io.ReadAll(r.Body)\n\tif err != nil {\n\t\treturn\n\t}\n\t_ = data\n}\n',
        good='package api\n\nimport (\n\t"io"\n\t"net/http"\n)\n\nfunc Upload(w http.ResponseWriter, r *http.Request) {\n'
             '\tdata, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))\n\tif err != nil {\n\t\treturn\n\t}\n'
             '\t_ = data\n}\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if _go.not_service_code(f):
        return
    root = f.go
    imps = g.imports(root)
    if not ({"io", "io/ioutil"} & set(imps.values())):
        return
    for call in g.walk(root, "call_expression"):
        if _go.call_qual(call, imps) not in _READALL:
            continue
        args = g.call_args(call)
        if len(args) != 1 or _is_limiter(args[0], imps):
            continue
        scope = _go.enclosing_func(call) or root
        body = _body_source(args[0], scope, imps)
        if body is None:
            continue
        if _limited_earlier(scope, body, call.start_byte, imps):
            continue
        yield Hit(g.line(call), message=f"`{g.call_name(call)}({g.text(args[0])})` reads the whole HTTP body "
                                        f"`{body}` into memory with no size limit")
