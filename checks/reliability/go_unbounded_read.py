"""go.unbounded-read: io.ReadAll on an HTTP body with no size limit."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit, Severity
from checks.lang import golang as g
from checks.lang import goflow
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


# Values only the operator sets: process environment, flags, configuration structs.
_OPERATOR = re.compile(r"\bos\.(?:Getenv|LookupEnv)\(|\bflag\.|\bviper\.|\bpflag\.|"
                       r"(?:^|\.)(?:cfg|conf|config|Config|opts|options|Options|settings|Settings|flags|Flags)\b")
_REQUEST_DATA = re.compile(r"\b(?:r|req|request)\.(?:URL|Form|PostForm|FormValue|Header|Body)|"
                           r"\b(?:c|ctx)\.(?:Query|Param|PostForm|FormValue|QueryParam|Bind)")
# A handler that looks up who is calling sits behind authentication.
_AUTHENTICATED = re.compile(r"(?i)\b(?:user_?id|current_?user|get_?user|user_?from\w*|claims|"
                            r"authenticated\w*|must_?auth\w*|session)\b|\.Value\(\s*\w*user", re.I)
_FETCHES = re.compile(r"(?:^|\.)(?:Get|Post|Head|PostForm|Do)$")


def _is_request(body: str, scope: g.Node) -> bool:
    """`r.Body` of a handler's `*http.Request` (or `c.Request.Body` in gin/echo)."""
    base = body.rsplit(".", 1)[0]
    if re.search(r"(?:^|\.)Request(?:\(\))?$", base):
        return True
    typ = goflow.params(scope).get(base) if scope.type in goflow.FUNC_TYPES else None
    return typ is not None and g.text(typ).lstrip("*").endswith("http.Request")


def _url_leaf(node: g.Node) -> str | None:
    text = g.text(node)
    if _REQUEST_DATA.search(text):
        return "user"
    if _OPERATOR.search(text):
        return "operator"
    if node.type in ("interpreted_string_literal", "raw_string_literal"):
        return "literal"
    if node.type in ("identifier", "call_expression", "binary_expression", "parenthesized_expression"):
        return None
    return "unknown"


def _response_url(body: str, read: g.Node) -> g.Node | None:
    """The URL a response body came from: `resp, err := client.Do(req)` with `req := http.NewRequest(m, URL, ...)`."""
    resp = body.rsplit(".", 1)[0]
    for value in goflow.values_of(resp, read) or []:
        if value is None or value.type != "call_expression" or not _FETCHES.search(g.call_name(value)):
            continue
        args = g.call_args(value)
        if not args:
            continue
        if not g.call_name(value).endswith(".Do"):
            return args[0]
        if args[0].type != "identifier":
            continue
        for req in goflow.values_of(g.text(args[0]), args[0]) or []:
            if req is not None and req.type == "call_expression" and "NewRequest" in g.call_name(req):
                rargs = g.call_args(req)
                i = 2 if "WithContext" in g.call_name(req) else 1
                if len(rargs) > i:
                    return rargs[i]
    return None


def _grade(body: str, call: g.Node, scope: g.Node) -> tuple[Severity, str | None] | None:
    """(severity, note) of an unbounded read, or None when the peer is a service the operator configured."""
    if _is_request(body, scope):
        if _AUTHENTICATED.search(g.text(scope)):
            return Severity.MEDIUM, "MEDIUM: the handler looks up the calling user, so the route requires authentication"
        return Severity.HIGH, None
    url = _response_url(body, call)
    labels = goflow.classify(url, _url_leaf) if url is not None else {"unknown"}
    if labels <= {"operator", "literal"} and "operator" in labels:
        return None
    return Severity.MEDIUM, "MEDIUM: a response body (from a third-party or configurable service), not client input"


@rule(
    "go.unbounded-read",
    severity="HIGH",
    area="reliability",
    title="HTTP body read with io.ReadAll and no size limit",
    why="`io.ReadAll` on a request or response body buffers whatever the peer sends; one large or "
        "endless body exhausts memory and kills the process. Client request bodies are HIGH (MEDIUM when the "
        "handler authenticates its caller); responses from third-party or user-chosen URLs are MEDIUM; responses "
        "from services the operator configures (URLs from env, flags or config) are not reported.",
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
        graded = _grade(body, call, scope)
        if graded is None:
            continue
        severity, note = graded
        yield Hit(g.line(call), severity=severity, note=note,
                  message=f"`{g.call_name(call)}({g.text(args[0])})` reads the whole HTTP body `{body}` into memory "
                          "with no size limit")
