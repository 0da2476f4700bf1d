"""Small intra-procedural value flow for Python: what a name holds where it is used.

Rules share it to see through one level of indirection that real code writes all the time:
`opts = {"verify_signature": False}; jwt.decode(t, k, options=opts)`, `cmd = f"tar {x}"; run(cmd, shell=True)`,
`VERIFY = False; requests.get(u, verify=VERIFY)`, `opts["autoescape"] = False; Environment(**opts)`.
A name resolves through every assignment in its function (then the enclosing functions, then the
module); answers are conservative: a constant only when every assignment agrees.
"""
from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from checks.lang.python import NOT_CONST, dotted

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_UNKNOWN = "__unknown__"
_MAX_DEPTH = 6


def scope_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """Every node in `scope` without descending into nested functions/classes."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (*_FUNCS, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))


def assignments(scope: ast.AST) -> dict[str, list[ast.expr]]:
    """Name -> values assigned to it in `scope` (plain, annotated, augmented and walrus assignments)."""
    out: dict[str, list[ast.expr]] = {}
    for node in scope_nodes(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out.setdefault(target.id, []).append(node.value)
                elif isinstance(target, (ast.Tuple, ast.List)):
                    for elt in target.elts:
                        if isinstance(elt, ast.Name):
                            out.setdefault(elt.id, []).append(ast.Name(id=_UNKNOWN))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            out.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            out.setdefault(node.target.id, []).append(
                ast.BinOp(left=ast.Name(id=node.target.id), op=node.op, right=node.value))
        elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            out.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            for elt in ast.walk(node.target):
                if isinstance(elt, ast.Name):
                    out.setdefault(elt.id, []).append(ast.Name(id=_UNKNOWN))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    out.setdefault(item.optional_vars.id, []).append(item.context_expr)
    return out


def item_stores(scope: ast.AST) -> dict[str, list[tuple[ast.expr, ast.expr]]]:
    """Name -> (key, value) of `name[key] = value` and `name.update(key=value)` in `scope`."""
    out: dict[str, list[tuple[ast.expr, ast.expr]]] = {}
    for node in scope_nodes(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                    out.setdefault(target.value.id, []).append((target.slice, node.value))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr == "update" and isinstance(node.func.value, ast.Name):
            owner = node.func.value.id
            for kw in node.keywords:
                if kw.arg is not None:
                    out.setdefault(owner, []).append((ast.Constant(value=kw.arg), kw.value))
            for arg in node.args:
                if isinstance(arg, ast.Dict):
                    out.setdefault(owner, []).extend(
                        (k, v) for k, v in zip(arg.keys, arg.values, strict=True) if k is not None)
    for stores in out.values():  # source order, so that the last store of a key wins
        stores.sort(key=lambda kv: (getattr(kv[1], "lineno", 0), getattr(kv[1], "col_offset", 0)))
    return out


class Flow:
    """Resolves local names of a node through its enclosing functions, then the module."""

    def __init__(self, tree: ast.Module, parents: dict[ast.AST, ast.AST] | None = None):
        """`parents`: the file's shared child -> parent map (`f.python_parents`); built here if None."""
        self.tree = tree
        if parents is None:
            parents = {}
            for node in ast.walk(tree):
                for child in ast.iter_child_nodes(node):
                    parents[child] = node
        self.parent: dict[ast.AST, ast.AST] = parents
        self._assigns: dict[ast.AST, dict[str, list[ast.expr]]] = {}
        self._items: dict[ast.AST, dict[str, list[tuple[ast.expr, ast.expr]]]] = {}

    # --- scopes --------------------------------------------------------------------------------

    def function_of(self, node: ast.AST) -> ast.AST | None:
        cur = self.parent.get(node)
        while cur is not None:
            if isinstance(cur, _FUNCS):
                return cur
            cur = self.parent.get(cur)
        return None

    def params(self, func: ast.AST | None) -> set[str]:
        if func is None or not isinstance(func, _FUNCS):
            return set()
        a = func.args
        names = [x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs)]
        if a.vararg:
            names.append(a.vararg.arg)
        if a.kwarg:
            names.append(a.kwarg.arg)
        return set(names)

    def _scope_assigns(self, scope: ast.AST) -> dict[str, list[ast.expr]]:
        if scope not in self._assigns:
            self._assigns[scope] = assignments(scope)
        return self._assigns[scope]

    def _scope_items(self, scope: ast.AST) -> dict[str, list[tuple[ast.expr, ast.expr]]]:
        if scope not in self._items:
            self._items[scope] = item_stores(scope)
        return self._items[scope]

    def _binding_scope(self, name: str, at: ast.AST) -> ast.AST | None:
        """The function (or module) whose assignments define `name` at `at`; None for a parameter."""
        func = self.function_of(at)
        while func is not None:
            if name in self.params(func):
                return None
            if name in self._scope_assigns(func):
                return func
            func = self.function_of(func)
        return self.tree if name in self._scope_assigns(self.tree) else None

    def values_of(self, name: str, at: ast.AST) -> list[ast.expr] | None:
        """Values assigned to `name` in the scope of `at` (None when it is a parameter or unknown)."""
        scope = self._binding_scope(name, at)
        return None if scope is None else self._scope_assigns(scope).get(name)

    # --- values --------------------------------------------------------------------------------

    def resolve(self, node: ast.AST | None, depth: int = 0) -> ast.AST | None:
        """A name bound to exactly one value resolves to that value (repeatedly); else `node` itself."""
        while isinstance(node, ast.Name) and depth < _MAX_DEPTH:
            values = self.values_of(node.id, node)
            if not values or len(values) != 1:
                return node
            node = values[0]
            depth += 1
        return node

    def constant(self, node: ast.AST | None, depth: int = 0) -> object:
        """The literal value of `node`, through names whose every assignment agrees; else NOT_CONST."""
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name) and depth < _MAX_DEPTH:
            values = self.values_of(node.id, node)
            if not values:
                return NOT_CONST
            found = [self.constant(v, depth + 1) for v in values]
            first = found[0]
            if first is not NOT_CONST and all(v == first and type(v) is type(first) for v in found):
                return first
        return NOT_CONST

    def is_false(self, node: ast.AST | None) -> bool:
        value = self.constant(node)
        return value is False or (isinstance(value, str) and value.lower() == "false")

    def dict_entry(self, node: ast.AST | None, key: str, depth: int = 0) -> ast.expr | None:
        """The value stored under `key` in a dict literal, `dict(...)` call or a name bound to one
        (including later `name[key] = v` / `name.update(key=v)` and `{**base, ...}` spreads)."""
        if node is None or depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Dict):
            found = None
            for k, v in zip(node.keys, node.values, strict=True):
                if k is None:  # {**base}: later keys win
                    found = self.dict_entry(v, key, depth + 1) or found
                elif isinstance(k, ast.Constant) and k.value == key:
                    found = v
            return found
        if isinstance(node, ast.Call) and (dotted(node.func) or "") == "dict":
            found = self.dict_entry(node.args[0], key, depth + 1) if node.args else None
            for kw in node.keywords:
                if kw.arg == key:
                    found = kw.value
                elif kw.arg is None:
                    found = self.dict_entry(kw.value, key, depth + 1) or found
            return found
        if isinstance(node, ast.Name):
            scope = self._binding_scope(node.id, node)
            found = None
            if scope is not None:
                values = self._scope_assigns(scope).get(node.id) or []
                if len(values) == 1:
                    found = self.dict_entry(values[0], key, depth + 1)
                for k, v in self._scope_items(scope).get(node.id, ()):
                    if isinstance(k, ast.Constant) and k.value == key:
                        found = v
            return found
        return None

    def keyword(self, call: ast.Call, name: str) -> ast.expr | None:
        """The value of keyword `name`, given directly or through `**opts` (a dict the flow can read)."""
        found = None
        for kw in call.keywords:
            if kw.arg == name:
                found = kw.value
            elif kw.arg is None:
                found = self.dict_entry(kw.value, name) or found
        return found

    def is_constant(self, node: ast.AST | None, safe_call: Callable[[ast.Call], bool] | None = None,
                    depth: int = 0) -> bool:
        """Literal strings/numbers and expressions built only from them (through local names too).

        `safe_call(call)` may declare some calls (e.g. `shlex.quote(x)`) as safe pieces.
        """
        if node is None or depth > _MAX_DEPTH:
            return False
        nxt = depth + 1
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.JoinedStr):
            return all(self.is_constant(v, safe_call, nxt) for v in node.values)
        if isinstance(node, ast.FormattedValue):
            return self.is_constant(node.value, safe_call, nxt)
        if isinstance(node, ast.BinOp):  # "a" + b, "cmd %s" % x
            return self.is_constant(node.left, safe_call, nxt) and self.is_constant(node.right, safe_call, nxt)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return all(self.is_constant(e, safe_call, nxt) for e in node.elts)
        if isinstance(node, ast.Dict):
            return all(self.is_constant(v, safe_call, nxt) for v in node.values)
        if isinstance(node, ast.IfExp):
            return self.is_constant(node.body, safe_call, nxt) and self.is_constant(node.orelse, safe_call, nxt)
        if isinstance(node, ast.Call):
            if safe_call is not None and safe_call(node):
                return True
            func = node.func
            # "...".join(<constants>) / "...".format(<constants>)
            if isinstance(func, ast.Attribute) and func.attr in ("join", "format", "strip", "lower", "upper"):
                return self.is_constant(func.value, safe_call, nxt) and all(
                    self.is_constant(a, safe_call, nxt) for a in node.args) and all(
                    self.is_constant(k.value, safe_call, nxt) for k in node.keywords)
            if isinstance(func, ast.Name) and func.id in ("str", "int") and len(node.args) == 1:
                return func.id == "int" or self.is_constant(node.args[0], safe_call, nxt)
            return False
        if isinstance(node, ast.Name):
            values = self.values_of(node.id, node)
            return bool(values) and all(self.is_constant(v, safe_call, nxt) for v in values)
        return False

    def string_pieces(self, node: ast.AST | None, depth: int = 0) -> list[ast.expr]:
        """The non-literal pieces a string is built from: f-string fields, `%` and `.format()` arguments,
        concatenated operands — through names assigned in scope. A bare non-string value is its own piece."""
        if node is None or depth > _MAX_DEPTH:
            return []
        nxt = depth + 1
        if isinstance(node, ast.Constant):
            return []
        if isinstance(node, ast.JoinedStr):
            return [p for v in node.values if isinstance(v, ast.FormattedValue)
                    for p in self.string_pieces(v.value, nxt)]
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            right = node.right.elts if isinstance(node.op, ast.Mod) and isinstance(node.right, ast.Tuple) \
                else [node.right]
            return self.string_pieces(node.left, nxt) + [p for r in right for p in self.string_pieces(r, nxt)]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in ("format", "join"):
            parts = [node.func.value, *node.args, *(k.value for k in node.keywords)]
            return [p for part in parts for p in self.string_pieces(part, nxt)]
        if isinstance(node, ast.Name):
            values = self.values_of(node.id, node)
            if values and all(not (isinstance(v, ast.Name) and v.id == _UNKNOWN) for v in values):
                return [p for v in values for p in self.string_pieces(v, nxt)]
        return [node]
