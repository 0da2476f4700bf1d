"""Shared tree-sitter helpers for the Go reliability rules (private to checks/reliability)."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.lang import golang as g

Node = g.Node

_NOT_TEST_PKGS = {"latest", "contest", "attest", "protest", "detest"}
FUNC_TYPES = ("function_declaration", "method_declaration", "func_literal")
NAMED_FUNC_TYPES = ("function_declaration", "method_declaration")
LOOP_TYPES = ("for_statement",)

# Directories holding developer tools, samples and scripts rather than the running service.
_TOOL_DIRS = {"cmd", "examples", "example", "_examples", "hack", "scripts", "tools"}


def qual(node: Node | None, imps: dict[str, str]) -> str:
    """`net/http.Get` for a selector `nethttp.Get` whose operand is an imported package, else its text."""
    if node is None:
        return ""
    if node.type == "selector_expression":
        operand = node.child_by_field_name("operand")
        field = node.child_by_field_name("field")
        if operand is not None and operand.type == "identifier" and g.text(operand) in imps:
            return f"{imps[g.text(operand)]}.{g.text(field)}"
    if node.type == "qualified_type":
        pkg = node.child_by_field_name("package")
        name = node.child_by_field_name("name")
        if pkg is not None and g.text(pkg) in imps:
            return f"{imps[g.text(pkg)]}.{g.text(name)}"
    if node.type in ("pointer_type", "parenthesized_type"):
        inner = node.named_children[-1] if node.named_children else None
        return ("*" if node.type == "pointer_type" else "") + qual(inner, imps)
    return g.text(node)


def call_qual(call: Node, imps: dict[str, str]) -> str:
    return qual(call.child_by_field_name("function"), imps)


def calls(node: Node) -> Iterator[Node]:
    return g.walk(node, "call_expression")


def walk_same_func(node: Node, *types: str) -> Iterator[Node]:
    """Walk `node` without descending into nested function literals."""
    stack = [node]
    while stack:
        n = stack.pop()
        if not types or n.type in types:
            yield n
        stack.extend(reversed([c for c in n.children if c.type != "func_literal" or c is node]))


def enclosing(node: Node, types: tuple[str, ...]) -> Node | None:
    for a in g.ancestors(node):
        if a.type in types:
            return a
    return None


def in_loop(node: Node, outer: Node) -> bool:
    """True when a `for` statement lies between `node` and `outer`, inside the same function."""
    for a in g.ancestors(node):
        if a is outer or a.type in FUNC_TYPES:
            return False
        if a.type in LOOP_TYPES:
            return True
    return False


def enclosing_func(node: Node) -> Node | None:
    return enclosing(node, FUNC_TYPES)


def enclosing_named_funcs(node: Node) -> list[Node]:
    return [a for a in g.ancestors(node) if a.type in NAMED_FUNC_TYPES]


def func_literal_name(lit: Node) -> str:
    """Name a func literal is bound to (`retry := func() {...}`, `Backoff: func...`), else ''."""
    p = lit.parent
    while p is not None and p.type in ("expression_list", "literal_element", "parenthesized_expression"):
        p = p.parent
    if p is None:
        return ""
    if p.type in ("short_var_declaration", "assignment_statement", "var_spec"):
        left = p.child_by_field_name("left") or p.child_by_field_name("name")
        return g.text(left)
    if p.type == "keyed_element":
        kids = p.named_children
        return g.text(kids[0]) if kids else ""
    return ""


def func_names_around(node: Node) -> list[str]:
    """Names of every function (and named func literal) enclosing `node`."""
    names = []
    for a in g.ancestors(node):
        if a.type in NAMED_FUNC_TYPES:
            names.append(g.func_name(a))
        elif a.type == "func_literal":
            names.append(func_literal_name(a))
    return [n for n in names if n]


def body(fn: Node) -> Node | None:
    return fn.child_by_field_name("body")


def is_tool_path(path: str) -> bool:
    return any(part in _TOOL_DIRS for part in path.split("/")[:-1])


def inside(node: Node, outer: Node) -> bool:
    return outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte


def receiver_type(method: Node) -> tuple[str, str]:
    """(receiver variable, receiver type name without `*`) of a method declaration."""
    recv = method.child_by_field_name("receiver")
    if recv is None:
        return "", ""
    for p in recv.named_children:
        if p.type == "parameter_declaration":
            name = p.child_by_field_name("name")
            typ = p.child_by_field_name("type")
            t = g.text(typ).lstrip("*").strip()
            t = t.split("[", 1)[0]  # generic receivers T[K, V]
            return g.text(name), t
    return "", ""


def param_types(fn: Node) -> list[Node]:
    params = fn.child_by_field_name("parameters")
    if params is None:
        return []
    out = []
    for p in params.named_children:
        if p.type in ("parameter_declaration", "variadic_parameter_declaration"):
            t = p.child_by_field_name("type")
            if t is not None:
                out.append(t)
    return out


def not_service_code(f) -> bool:
    """Files that never run in the service: `//go:build ignore` programs and `xxxtest` helper packages."""
    head = f.text[:3000]
    if "//go:build ignore" in head or "// +build ignore" in head:
        return True
    try:
        root = f.go
    except Exception:
        return False
    for pc in root.named_children:
        if pc.type == "package_clause":
            name = g.text(pc.named_children[0]) if pc.named_children else ""
            if name.endswith("test") and name not in _NOT_TEST_PKGS:
                return True
            return name.startswith(("testutil", "testhelper", "testing", "testdata", "testenv")) or \
                name in ("mock", "mocks", "fake", "fakes")
    return False


def gosec_suppressed(lines: list[str], line: int, codes: tuple[str, ...]) -> bool:
    """A `// #nosec` (optionally naming one of `codes`) on the line: the team already reviewed this finding."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    i = text.find("#nosec")
    if i < 0:
        return False
    named = re.findall(r"\bG\d{3}\b", text[i:])
    return not named or any(c in named for c in codes)


_HANDLER_TYPES = {
    "net/http.ResponseWriter",
    "*github.com/gin-gonic/gin.Context",
    "github.com/labstack/echo.Context",
    "github.com/labstack/echo/v4.Context",
    "*github.com/gofiber/fiber.Ctx",
    "*github.com/gofiber/fiber/v2.Ctx",
    "*github.com/gofiber/fiber/v3.Ctx",
    "github.com/gofiber/fiber/v3.Ctx",
}


def is_handler(fn: g.Node, imps: dict[str, str]) -> bool:
    """A function that serves an HTTP request (net/http, gin, echo or fiber handler signature)."""
    for t in param_types(fn):
        q = qual(t, imps)
        if q in _HANDLER_TYPES:
            return True
        # fall back on the spelling when the framework import path is unusual (gin/echo/fiber forks)
        txt = g.text(t)
        if txt in ("*gin.Context", "echo.Context", "*fiber.Ctx", "fiber.Ctx") or txt.endswith("http.ResponseWriter"):
            return True
    return False


def func_subject(node: g.Node) -> str | None:
    """`func:Receiver.Name` / `func:Name` of the declaration around `node` (a finding's stable identity)."""
    fn = enclosing(node, NAMED_FUNC_TYPES)
    if fn is None:
        return None
    recv = receiver_type(fn)[1] if fn.type == "method_declaration" else ""
    return f"func:{recv + '.' if recv else ''}{g.func_name(fn)}"
