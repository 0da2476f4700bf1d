"""quality.deep-nesting: control flow nested deeper than `max_depth` inside a function."""
from __future__ import annotations

import ast
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang
from checks.quality._q import go_functions, go_literal_name, is_vendored_or_generated
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_PY_BLOCKS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match)
if hasattr(ast, "TryStar"):
    _PY_BLOCKS = (*_PY_BLOCKS, ast.TryStar)
_PY_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)

_GO_BLOCKS = {"if_statement", "for_statement", "expression_switch_statement", "type_switch_statement",
              "select_statement"}


def _py_deepest(stmts: list[ast.stmt], depth: int, limit: int) -> tuple[int, ast.stmt] | None:
    """First statement (in source order) whose nesting depth exceeds `limit`."""
    for st in stmts:
        if isinstance(st, _PY_FUNCS):
            continue  # nested functions/classes are judged on their own
        if isinstance(st, _PY_BLOCKS):
            d = depth + 1
            if d > limit:
                return d, st
            for child in _py_children(st):
                found = _py_deepest(child, d, limit)
                if found:
                    return found
            # `elif`: an If that is the only statement of an orelse stays at the same depth
            if isinstance(st, ast.If) and len(st.orelse) == 1 and isinstance(st.orelse[0], ast.If):
                found = _py_deepest(st.orelse, depth, limit)
                if found:
                    return found
    return None


def _py_children(st: ast.stmt) -> list[list[ast.stmt]]:
    out = [getattr(st, "body", [])]
    if isinstance(st, ast.If):
        if not (len(st.orelse) == 1 and isinstance(st.orelse[0], ast.If)):
            out.append(st.orelse)
    elif isinstance(st, (ast.For, ast.AsyncFor, ast.While)):
        out.append(st.orelse)
    elif isinstance(st, ast.Try) or (hasattr(ast, "TryStar") and isinstance(st, ast.TryStar)):
        out.extend(h.body for h in st.handlers)
        out.extend([st.orelse, st.finalbody])
    elif isinstance(st, ast.Match):
        out = [c.body for c in st.cases]
    return out


def _go_deepest(node, depth: int, limit: int):
    for child in node.named_children:
        if child.type == "func_literal" and go_literal_name(child) is not None:
            continue  # a named closure is judged as its own function; anonymous ones count inline
        d = depth
        if child.type in _GO_BLOCKS:
            # `else if` continues the same chain: not one level deeper
            if not (child.type == "if_statement" and node.type == "if_statement"
                    and node.child_by_field_name("alternative") == child):
                d = depth + 1
            if d > limit:
                return d, child
        found = _go_deepest(child, d, limit)
        if found:
            return found
    return None


_JS_BLOCKS = {"if_statement", "for_statement", "for_in_statement", "for_of_statement", "while_statement",
              "do_statement", "switch_statement", "try_statement"}
_JS_FUNCS = {"function_declaration", "generator_function_declaration", "function_expression", "function",
             "generator_function", "arrow_function", "method_definition"}
_JS_NAMING_PARENTS = {"variable_declarator", "assignment_expression", "pair", "public_field_definition",
                      "field_definition"}


def _js_named(node) -> bool:
    parent = node.parent
    return node.type in ("function_declaration", "generator_function_declaration", "method_definition") or (
        parent is not None and parent.type in _JS_NAMING_PARENTS)


def _js_roots(root):
    """Functions judged on their own: named ones, and anonymous ones not inside another function
    (`app.get("/", (req, res) => {...})`). Anonymous callbacks inside a function count inline."""
    stack = [(root, False)]
    while stack:
        node, inside = stack.pop()
        is_fn = node.type in _JS_FUNCS
        if is_fn and (_js_named(node) or not inside):
            yield node
        for child in reversed(node.named_children):
            stack.append((child, inside or is_fn))


def _js_deepest(node, depth: int, limit: int):
    for child in node.named_children:
        if child.type in _JS_FUNCS and _js_named(child):
            continue  # judged as its own function
        d = depth
        if child.type in _JS_BLOCKS:
            # `else if` continues the same chain: not one level deeper
            if not (child.type == "if_statement" and node.type == "else_clause"):
                d = depth + 1
            if d > limit:
                return d, child
        found = _js_deepest(child, d, limit)
        if found:
            return found
    return None


@rule(
    "quality.deep-nesting",
    severity="LOW",
    area="quality",
    title="Deeply nested control flow",
    why="Code nested many levels deep is hard to follow and to test; error paths buried at the bottom "
        "are easy to get wrong.",
    fix="Return early (guard clauses), `continue` in loops, and extract the inner blocks into helper "
        "functions.",
    kinds={"python", "go", "js"},
    options={"max_depth": 5},
    example=Example(
        path="app/sync.py",
        bad="def sync(items):\n    for a in items:\n        if a:\n            for b in a:\n                if b:\n"
            "                    while b.next:\n                        if b.ok:\n                            b = b.next\n",
        good="def sync(items):\n    for a in items:\n        if not a:\n            continue\n        sync_one(a)\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    limit = int(ctx.options.get("max_depth", 5))
    if is_vendored_or_generated(f):
        return
    if "python" in f.kinds:
        for fn in f.python_of(ast.FunctionDef, ast.AsyncFunctionDef):
            found = _py_deepest(fn.body, 0, limit)
            if found:
                depth, st = found
                yield Hit(st.lineno, message=f"`{type(st).__name__.lower()}` block nested {depth} levels "
                                             f"deep in `{fn.name}` (limit {limit})")
    elif "go" in f.kinds:
        seen = set()
        for name, _node, body in go_functions(f.go):
            found = _go_deepest(body, 0, limit)
            if found and found[1].start_byte not in seen:
                seen.add(found[1].start_byte)
                depth, st = found
                kind = st.type.replace("_statement", "").replace("expression_", "")
                yield Hit(golang.line(st), message=f"`{kind}` block nested {depth} levels deep in `{name}` "
                                                   f"(limit {limit})")
    elif "js" in f.kinds and f.js is not None:
        seen = set()
        for fn in _js_roots(f.js):
            body = fn.child_by_field_name("body") or fn
            found = _js_deepest(body, 0, limit)
            if found and found[1].start_byte not in seen:
                seen.add(found[1].start_byte)
                depth, st = found
                kind = st.type.replace("_statement", "").replace("_in", "").replace("_of", "")
                yield Hit(st.start_point[0] + 1, message=f"`{kind}` block nested {depth} levels deep "
                                                         f"(limit {limit})")
