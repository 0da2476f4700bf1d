"""Python AST helpers: resolve names through imports and aliases, read call arguments."""
from __future__ import annotations

import ast
from collections.abc import Iterator


def import_map(tree: ast.Module, nodes: "list[ast.AST] | None" = None) -> dict[str, str]:
    """Local name -> qualified name, for every import in the module (any depth).

    `import requests as r` gives r -> requests; `from subprocess import run as sh` gives
    sh -> subprocess.run; `import os.path` gives os -> os. `nodes`: the module's Import/ImportFrom
    nodes in walk order (`f.python_of(ast.Import, ast.ImportFrom)`), to skip walking `tree`.
    """
    out: dict[str, str] = {}
    for node in (ast.walk(tree) if nodes is None else nodes):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    out[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    out[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if alias.name != "*":
                    out[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return out


def dotted(node: ast.AST) -> str | None:
    """`a.b.c` for Name/Attribute chains (calls in the chain become `name()`), else None."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            parts.append(node.id)
            break
        elif isinstance(node, ast.Call):
            inner = dotted(node.func)
            if inner is None:
                return None
            parts.append(inner + "()")
            break
        else:
            return None
    return ".".join(reversed(parts))


def qualname(node: ast.AST, imports: dict[str, str]) -> str | None:
    """Dotted name with its first part resolved through the module's imports."""
    name = dotted(node)
    if name is None:
        return None
    head, _, rest = name.partition(".")
    resolved = imports.get(head)
    if resolved is None:
        return name
    return f"{resolved}.{rest}" if rest else resolved


def call_name(call: ast.Call, imports: dict[str, str]) -> str:
    return qualname(call.func, imports) or ""


def kwarg(call: ast.Call, name: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def has_star_kwargs(call: ast.Call) -> bool:
    """True when the call passes **kwargs (options we cannot see)."""
    return any(kw.arg is None for kw in call.keywords)


def const_value(node: ast.AST | None) -> object:
    """The value of a literal constant, else a sentinel `NOT_CONST`."""
    if isinstance(node, ast.Constant):
        return node.value
    return NOT_CONST


class _NotConst:
    def __repr__(self) -> str:
        return "NOT_CONST"


NOT_CONST = _NotConst()


def is_literal_str(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def is_constant_expr(node: ast.AST | None) -> bool:
    """Literal strings, and concatenations/f-strings/lists made only of literals."""
    if node is None:
        return False
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(v, ast.Constant) for v in node.values)
    if isinstance(node, ast.BinOp):
        return is_constant_expr(node.left) and is_constant_expr(node.right)
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(is_constant_expr(e) for e in node.elts)
    return False


def walk_calls(tree: ast.AST) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    """Child -> parent map for the whole tree."""
    out: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            out[child] = node
    return out


def enclosing_function(node: ast.AST, parent_of: dict[ast.AST, ast.AST]) -> ast.AST | None:
    """Nearest def/async def/lambda around `node`, else None."""
    cur = parent_of.get(node)
    while cur is not None:
        if isinstance(cur, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return cur
        cur = parent_of.get(cur)
    return None


def end_line(node: ast.AST) -> int:
    return getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]


def anchor_line(call: ast.AST, value: ast.AST | None) -> int:
    """The line of the offending `value` when it is written inside `call` (a multi-line call), else the
    call's line (the value came through a variable assigned elsewhere: the use is the finding)."""
    if value is not None and call.lineno <= value.lineno <= end_line(call):  # type: ignore[attr-defined]
        return value.lineno  # type: ignore[attr-defined]
    return call.lineno  # type: ignore[attr-defined]
