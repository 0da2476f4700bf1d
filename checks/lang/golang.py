"""Go parsing with tree-sitter, and small helpers for walking the syntax tree."""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

Node = Any  # tree_sitter.Node


@lru_cache(maxsize=1)
def _parser() -> Any:
    import tree_sitter_go
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_go.language()))


def parse(text: str) -> Node:
    from checks.source import ParseError

    tree = _parser().parse(text.encode("utf-8"))
    root = tree.root_node
    if root.has_error:
        bad = next((n for n in walk(root) if n.is_error or n.is_missing), root)
        raise ParseError(f"Go syntax error at line {bad.start_point[0] + 1}")
    return root


def walk(node: Node, *types: str) -> Iterator[Node]:
    """Depth-first pre-order walk; only nodes of `types` when given."""
    cursor = [node]
    while cursor:
        n = cursor.pop()
        if not types or n.type in types:
            yield n
        cursor.extend(reversed(n.children))


def text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def line(node: Node) -> int:
    return node.start_point[0] + 1


def end_line(node: Node) -> int:
    return node.end_point[0] + 1


def ancestors(node: Node) -> Iterator[Node]:
    n = node.parent
    while n is not None:
        yield n
        n = n.parent


def call_name(call: Node) -> str:
    """`pkg.Func` / `obj.Method` / `Func` text of a call_expression's function."""
    fn = call.child_by_field_name("function")
    return text(fn)


def call_args(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    return [c for c in args.named_children if c.type != "comment"] if args is not None else []


def imports(root: Node) -> dict[str, str]:
    """Local package name -> import path ("http" -> "net/http", aliases resolved)."""
    out: dict[str, str] = {}
    for spec in walk(root, "import_spec"):
        path_node = spec.child_by_field_name("path")
        path = text(path_node).strip('"`')
        name_node = spec.child_by_field_name("name")
        name = text(name_node) if name_node is not None else path.rsplit("/", 1)[-1]
        if name in ("_", "."):
            continue
        if name_node is None:
            if name.startswith("v") and name[1:].isdigit() and "/" in path:  # module/v2 -> module
                name = path.rsplit("/", 2)[-2]
            name = re.sub(r"\.v\d+$", "", name)  # gopkg.in/yaml.v3 -> yaml
            if name.startswith("go-"):  # github.com/go-redis/redis style: go-x packages name x
                name = name[3:]
        out[name] = path
    return out


def func_name(node: Node) -> str:
    name = node.child_by_field_name("name")
    return text(name)


def string_value(node: Node) -> str | None:
    """The value of a Go string literal node, else None."""
    if node.type in ("interpreted_string_literal", "raw_string_literal"):
        return text(node)[1:-1]
    return None


def composite_fields(lit: Node) -> dict[str, Node]:
    """Field name -> value node of a keyed composite literal (`&http.Server{Addr: ...}`)."""
    out: dict[str, Node] = {}
    body = lit.child_by_field_name("body")
    if body is None:
        return out
    for elem in body.named_children:
        if elem.type != "keyed_element":
            continue
        kids = [c for c in elem.named_children if c.type != "comment"]
        if len(kids) >= 2:
            out[text(kids[0]).strip()] = _unwrap(kids[-1])
    return out


def _unwrap(node: Node) -> Node:
    # tree-sitter-go wraps keyed values in `literal_element`; rules want the expression itself
    while node.type == "literal_element" and node.named_children:
        node = node.named_children[0]
    return node
