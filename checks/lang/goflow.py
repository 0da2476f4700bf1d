"""Small intra-procedural value flow for Go: what a local variable may hold where it is used.

Enough to follow `name := r.URL.Query().Get("q")` / `body := fmt.Sprintf(...)` / `x = y + z` to the
expressions that gave the variable its value, within one function (no calls are followed).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from checks.lang import golang as g

Node = g.Node
FUNC_TYPES = ("function_declaration", "method_declaration", "func_literal")


def enclosing_func(node: Node) -> Node | None:
    return next((a for a in g.ancestors(node) if a.type in FUNC_TYPES), None)


def params(fn: Node) -> dict[str, Node]:
    """Parameter name -> type node of a function (receiver included)."""
    out: dict[str, Node] = {}
    for field in ("receiver", "parameters"):
        plist = fn.child_by_field_name(field)
        for p in plist.named_children if plist is not None else []:
            if p.type in ("parameter_declaration", "variadic_parameter_declaration"):
                typ = p.child_by_field_name("type")
                for n in p.children_by_field_name("name"):
                    out[g.text(n)] = typ
    return out


def _bindings(stmt: Node) -> Iterator[tuple[str, Node | None]]:
    """(name, value) pairs a declaration or assignment binds; value None when not one-to-one."""
    left = stmt.child_by_field_name("left") or stmt.child_by_field_name("name")
    right = stmt.child_by_field_name("right") or stmt.child_by_field_name("value")
    if left is None:
        return
    lefts = left.named_children if left.type == "expression_list" else [left]
    if stmt.type == "var_spec":
        lefts = list(stmt.children_by_field_name("name"))
    rights = (right.named_children if right.type == "expression_list" else [right]) if right is not None else []
    for i, lv in enumerate(lefts):
        # `s += "<li>" + x` binds the appended part: what the variable may newly hold
        yield g.text(lv), rights[i] if len(rights) == len(lefts) else (rights[0] if len(rights) == 1 else None)


def values_of(name: str, use: Node) -> list[Node | None] | None:
    """Every value assigned to local `name` in the function around `use` (None items: unknown values).

    Returns None when `name` is not bound in that function (a parameter, field or package name)."""
    fn = enclosing_func(use)
    if fn is None:
        return None
    body = fn.child_by_field_name("body")
    if body is None:
        return None
    found: list[Node | None] = []
    for stmt in g.walk(body, "short_var_declaration", "assignment_statement", "var_spec", "range_clause"):
        if getattr(enclosing_func(stmt), "id", None) != fn.id:
            continue
        if stmt.type == "range_clause":
            left = stmt.child_by_field_name("left")
            if left is not None and name in [g.text(n) for n in left.named_children]:
                found.append(stmt.child_by_field_name("right"))  # an element holds what the collection holds
            continue
        for bound, value in _bindings(stmt):
            if bound == name:
                found.append(value)
    return found or None


def argument_for(name: str, use: Node) -> Node | None:
    """`go func(backend string) {...}(b)`: the argument a literal called in place passes for parameter `name`."""
    fn = enclosing_func(use)
    if fn is None or fn.type != "func_literal":
        return None
    call = fn.parent
    if call is None or call.type != "call_expression" or call.child_by_field_name("function").id != fn.id:
        return None
    names = list(params(fn))
    args = g.call_args(call)
    return args[names.index(name)] if name in names and names.index(name) < len(args) else None


def is_param(name: str, use: Node) -> bool:
    fn = enclosing_func(use)
    return fn is not None and name in params(fn)


def uses_after(name: str, node: Node) -> Iterator[Node]:
    """Identifiers `name` used after `node` in the same function (where a built value goes next)."""
    fn = enclosing_func(node)
    body = fn.child_by_field_name("body") if fn is not None else None
    if body is None:
        return
    for ident in g.walk(body, "identifier"):
        if ident.start_byte > node.end_byte and g.text(ident) == name:
            yield ident


def classify(expr: Node, leaf: Callable[[Node], str | None], depth: int = 0) -> set[str]:
    """Labels of what `expr` may hold: `leaf(node)` labels a node directly (or None to look inside);
    identifiers are followed to their local assignments; an unresolvable name is 'param' or 'unknown'."""
    label = leaf(expr)
    if label is not None:
        return {label}
    if expr.type == "identifier":
        if depth > 4:
            return {"unknown"}
        vals = values_of(g.text(expr), expr)
        if vals is None:
            arg = argument_for(g.text(expr), expr)
            if arg is not None:
                return classify(arg, leaf, depth + 1)
            return {"param"} if is_param(g.text(expr), expr) else {"unknown"}
        out: set[str] = set()
        for v in vals:
            out |= {"unknown"} if v is None else classify(v, leaf, depth + 1)
        return out
    if expr.type in ("binary_expression", "parenthesized_expression", "expression_list"):
        parts: list[Node] = list(expr.named_children)
    elif expr.type == "call_expression":
        # `url.JoinPath(base, "x")`, `u.String()`: what the call is made of
        fn = expr.child_by_field_name("function")
        parts = g.call_args(expr)
        if fn is not None and fn.type == "selector_expression":
            parts.append(fn.child_by_field_name("operand"))
    else:
        return {"unknown"}
    out: set[str] = set()
    for c in parts:
        out |= classify(c, leaf, depth + 1) if depth < 8 else {"unknown"}
    return out or {"unknown"}
