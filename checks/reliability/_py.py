"""Python AST helpers shared by the Python reliability rules (function bodies, constants, containers)."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from checks.lang.python import dotted

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def own_nodes(fn: ast.AST) -> Iterator[ast.AST]:
    """Every node in a function's body, not descending into nested defs, lambdas or classes."""
    stack: list[ast.AST] = []
    body = getattr(fn, "body", [])
    stack.extend(reversed(body if isinstance(body, list) else [body]))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, _SCOPES):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def functions(tree: ast.AST, nodes: "list[ast.AST] | None" = None
              ) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """`nodes`: the file's shared walk (`f.python_nodes`) when `tree` is the module."""
    for node in (ast.walk(tree) if nodes is None else nodes):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def module_strings(tree: ast.Module) -> dict[str, str]:
    """Module-level NAME = "literal" (or f-string/concatenation of literals) -> its text."""
    out: dict[str, str] = {}
    for stmt in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets, value = [stmt.target], stmt.value
        if value is None:
            continue
        text = " ".join(string_parts(value, out))
        if text:
            for t in targets:
                if isinstance(t, ast.Name):
                    out[t.id] = text
    return out


def string_parts(node: ast.AST | None, consts: dict[str, str] | None = None) -> list[str]:
    """Literal string fragments of an expression (f-strings, `+`, `%`, `.format`, known constants)."""
    if node is None:
        return []
    consts = consts or {}
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        out: list[str] = []
        for v in node.values:
            if isinstance(v, ast.Constant) and isinstance(v.value, str):
                out.append(v.value)
            elif isinstance(v, ast.FormattedValue):
                out.extend(string_parts(v.value, consts))
        return out
    if isinstance(node, ast.BinOp):
        return string_parts(node.left, consts) + string_parts(node.right, consts)
    if isinstance(node, ast.Name) and node.id in consts:
        return [consts[node.id]]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return string_parts(node.func.value, consts)
    return []


def assigned_names(target: ast.AST) -> list[str]:
    """Dotted names bound by an assignment target (`x`, `self.client`, tuple elements)."""
    if isinstance(target, (ast.Tuple, ast.List)):
        out: list[str] = []
        for elt in target.elts:
            out.extend(assigned_names(elt))
        return out
    name = dotted(target)
    return [name] if name else []


def bindings(scope: ast.AST, nodes: "list[ast.AST] | None" = None) -> Iterator[tuple[str, ast.expr, ast.AST]]:
    """(dotted target, value, statement) for plain assignments and `with X as name` anywhere in scope.

    `nodes`: the file's shared walk (or `f.python_of(...)` of the types below) when `scope` is the module."""
    for node in (ast.walk(scope) if nodes is None else nodes):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                for name in assigned_names(t):
                    yield name, node.value, node
        elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
            for name in assigned_names(node.target):
                yield name, node.value, node
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    for name in assigned_names(item.optional_vars):
                        yield name, item.context_expr, node


def unwrap_await(node: ast.AST) -> ast.AST:
    while isinstance(node, ast.Await):
        node = node.value
    return node


# --- long-lived containers (module globals and class attributes) ------------------------------

_GROW_METHODS = {"append", "extend", "add", "insert", "appendleft", "extendleft", "setdefault", "update"}
_SHRINK_METHODS = {"pop", "popitem", "clear", "remove", "discard", "popleft", "expire", "evict"}
_CONTAINER_CALLS = {"dict", "list", "set", "defaultdict", "OrderedDict", "collections.defaultdict",
                    "collections.OrderedDict", "deque", "collections.deque", "Counter",
                    "collections.Counter"}


# Classes whose instances hold login state (SessionManager, AuthService, TokenStore): one per process.
_STATE_CLASS = re.compile(r"Session|Auth|Login|Token")
_SETUP_METHODS = {"__init__", "__new__", "__init_subclass__", "__set_name__", "__class_getitem__"}
# Stored values that mark a registry filled by decorators (`_handlers[name] = fn`), bounded by the code.
_REGISTRY_VALUES = {"fn", "func", "fun", "f", "function", "cls", "klass", "handler", "callback", "cb", "view",
                    "method", "hook", "plugin", "decorated", "wrapper", "wrapped", "factory", "obj_type"}


@dataclass
class Container:
    name: str                     # the global name, or the class attribute name
    line: int                     # where it is defined
    kind: str                     # "dict", "list", "set"
    owner: str | None = None      # class name for class attributes
    instance: bool = False        # `self.x = {}` in __init__ of a class instantiated at module level
    grows: list[tuple[int, str, ast.AST]] = field(default_factory=list)  # (line, how, function)
    shrinks: bool = False
    registry: bool = False        # filled with functions/classes by decorators
    stored_values: list[ast.expr] = field(default_factory=list)
    per_instance: bool = False    # `self.x = {}` of a Session/Auth-like class not instantiated in this module


def container_kind(value: ast.AST | None) -> str | None:
    """'dict'/'list'/'set' for an empty (or literal) mutable container expression, else None."""
    if isinstance(value, ast.Dict):
        return "dict" if not value.keys else None
    if isinstance(value, ast.List):
        return "list" if not value.elts else None
    if isinstance(value, ast.Call):
        name = dotted(value.func) or ""
        if name in _CONTAINER_CALLS:
            if name.endswith("deque"):
                # deque(maxlen=...) or deque(iterable, N) is bounded.
                if any(kw.arg == "maxlen" for kw in value.keywords) or len(value.args) >= 2:
                    return None
                return "list"
            if value.args and not name.endswith("defaultdict"):
                return None
            if any(kw.arg is not None for kw in value.keywords):
                return None
            if name.endswith("set"):
                return "set"
            return "list" if name == "list" else "dict"
    return None


def _target_key(node: ast.AST, owner: str | None) -> str | None:
    """The container a growth/shrink expression refers to: 'NAME' or 'Class.NAME'."""
    name = dotted(node)
    if not name:
        return None
    parts = name.split(".")
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2 and parts[0] in ("self", "cls") and owner:
        return f"{owner}.{parts[1]}"
    if len(parts) == 2:
        return f"{parts[0]}.{parts[1]}"
    return None


def long_lived_containers(tree: ast.Module) -> list[Container]:
    """Module-level and class-level empty containers, with where functions grow or shrink them."""
    found: dict[str, Container] = {}
    for stmt in tree.body:
        value = None
        targets: list[ast.expr] = []
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            targets, value = [stmt.target], stmt.value
        kind = container_kind(value)
        if kind:
            for t in targets:
                if isinstance(t, ast.Name):
                    found[t.id] = Container(t.id, stmt.lineno, kind)
        if isinstance(stmt, ast.ClassDef) and not _is_model_class(stmt):
            for item in stmt.body:
                # Annotated class attributes are usually model fields (pydantic, attrs): skip them.
                if isinstance(item, ast.Assign):
                    kind = container_kind(item.value)
                    if kind:
                        for t in item.targets:
                            if isinstance(t, ast.Name):
                                found[f"{stmt.name}.{t.id}"] = Container(t.id, item.lineno, kind, stmt.name)
    # Class attributes shadowed by an instance attribute (`self.x = ...`) are per instance.
    for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)]:
        for node in ast.walk(cls):
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                tgts = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in tgts:
                    if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
                        found.pop(f"{cls.name}.{t.attr}", None)
    # Instance containers of singletons: `manager = SessionManager()` at module level.
    singletons = {dotted(stmt.value.func) for stmt in tree.body
                  if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call)}
    for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)
                and (n.name in singletons or _STATE_CLASS.search(n.name))]:
        init = next((b for b in cls.body if isinstance(b, ast.FunctionDef) and b.name == "__init__"), None)
        for node in own_nodes(init) if init is not None else ():
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                kind = container_kind(node.value)
                tgts = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in tgts:
                    if kind and isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) \
                            and t.value.id == "self":
                        found[f"{cls.name}.{t.attr}"] = Container(t.attr, node.lineno, kind, cls.name, True,
                                                                  per_instance=cls.name not in singletons)
    if not found:
        return []
    for fn, owner in _functions_with_owner(tree):
        if getattr(fn, "name", "") in _SETUP_METHODS:
            continue  # growth per instance/class creation, not per request
        globals_declared = {n for node in own_nodes_all(fn) if isinstance(node, ast.Global) for n in node.names}
        for node in own_nodes_all(fn):
            # NAME[key] = value
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                tgts = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in tgts:
                    if isinstance(t, ast.Subscript):
                        key = _target_key(t.value, owner)
                        c = found.get(key or "")
                        if c is not None:
                            if isinstance(t.slice, ast.Slice):
                                c.shrinks = True
                            elif not isinstance(t.slice, ast.Constant):
                                c.grows.append((node.lineno, "stores by key", fn))
                                if node.value is not None:
                                    c.stored_values.append(node.value)
                    elif isinstance(t, ast.Name) and t.id in globals_declared and t.id in found:
                        found[t.id].shrinks = True  # reset: `global X; X = {}`
                    elif isinstance(t, ast.Attribute) and getattr(fn, "name", "") != "__init__":
                        key = _target_key(t, owner)
                        if key in found and found[key].owner:
                            found[key].shrinks = True  # reassigned: reset
            elif isinstance(node, ast.Delete):
                for t in node.targets:
                    base = t.value if isinstance(t, ast.Subscript) else t
                    key = _target_key(base, owner)
                    if key in found:
                        found[key].shrinks = True
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                base = node.func.value
                if isinstance(base, ast.Subscript) and node.func.attr in _GROW_METHODS:
                    # X[key].append(v): grows X's entries (and X itself for a defaultdict).
                    inner = found.get(_target_key(base.value, owner) or "")
                    if inner is not None:
                        inner.grows.append((node.lineno, f"calls [key].{node.func.attr}()", fn))
                    continue
                key = _target_key(base, owner)
                c = found.get(key or "")
                if c is None:
                    continue
                if node.func.attr in _GROW_METHODS:
                    c.grows.append((node.lineno, f"calls .{node.func.attr}()", fn))
                    if node.func.attr == "setdefault" and len(node.args) > 1:
                        c.stored_values.append(node.args[1])
                    elif node.func.attr in ("append", "add", "appendleft") and node.args:
                        c.stored_values.append(node.args[0])
                elif node.func.attr in _SHRINK_METHODS:
                    c.shrinks = True
            elif isinstance(node, ast.Attribute) and node.attr in _SHRINK_METHODS:
                # `fut.add_done_callback(_pending.discard)`: a shrink method passed as a callback.
                key = _target_key(node.value, owner)
                if key in found:
                    found[key].shrinks = True
            elif isinstance(node, ast.Compare):
                # `if len(cache) > MAX:` bounds the container.
                for side in [node.left, *node.comparators]:
                    if isinstance(side, ast.Call) and dotted(side.func) == "len" and side.args:
                        key = _target_key(side.args[0], owner)
                        if key in found:
                            found[key].shrinks = True
    for c in found.values():
        c.registry = any(isinstance(v, ast.Name) and v.id in _REGISTRY_VALUES for v in c.stored_values)
    return list(found.values())


def own_nodes_all(fn: ast.AST) -> list[ast.AST]:
    return list(own_nodes(fn))


def _functions_with_owner(tree: ast.Module) -> Iterator[tuple[ast.AST, str | None]]:
    def visit(node: ast.AST, owner: str | None) -> Iterator[tuple[ast.AST, str | None]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                yield from visit(child, child.name)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                yield child, owner
                yield from visit(child, owner)
            else:
                yield from visit(child, owner)

    yield from visit(tree, None)


_MODEL_BASES = re.compile(r"(BaseModel|Model|Schema|TypedDict|NamedTuple|Enum|Settings|Struct|Base)$")


def _is_model_class(cls: ast.ClassDef) -> bool:
    for base in cls.bases:
        name = dotted(base) or ""
        if _MODEL_BASES.search(name.split(".")[-1]):
            return True
    for dec in cls.decorator_list:
        name = dotted(dec.func if isinstance(dec, ast.Call) else dec) or ""
        if "dataclass" in name or name.split(".")[-1] in ("define", "attrs", "frozen", "s"):
            return True
    return False


def words(name: str) -> list[str]:
    """Lower-case words of an identifier (`_activeSessions` -> ['active', 'sessions'])."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [w for w in name.lower().split("_") if w]


_RUNTIME_WORDS = {
    "cache", "caches", "cached", "memo", "memos", "memoized", "session", "sessions", "history", "histories",
    "store", "storage", "stores", "seen", "visited", "buffer", "buffers", "pending", "results", "result",
    "events", "messages", "msgs", "conversations", "conversation", "chats", "chat", "logs", "log",
    "tokens", "token", "requests", "responses", "users", "clients", "connections", "conns", "jobs",
    "tasks", "records", "entries", "items", "data", "database", "state", "states", "counters",
    "counts", "metrics", "attempts", "hits", "uploads", "orders", "queue", "inbox", "rooms", "sockets",
    "websockets", "carts", "audit", "traces", "errors", "failures", "calls", "usage", "ips", "visits",
    "todos", "notes", "posts", "comments", "accounts", "profiles", "logins", "otps", "otp", "codes",
    "contexts", "memory", "memories", "transcripts", "downloads", "subscriptions", "devices",
}


def is_runtime_store(name: str) -> bool:
    """The name reads like runtime data (cache, sessions, history...), not a registry or lookup table."""
    return any(w in _RUNTIME_WORDS for w in words(name))


_ROUTE_DECORATORS = {"get", "post", "put", "patch", "delete", "route", "websocket", "api_route", "head",
                     "options", "message", "message_handler", "callback_query_handler", "on_event"}


def is_request_handler(fn: ast.AST) -> bool:
    """A web/bot handler: route-style decorator or a `request`/`websocket` parameter."""
    for dec in getattr(fn, "decorator_list", []):
        target = dec.func if isinstance(dec, ast.Call) else dec
        if isinstance(target, ast.Attribute) and target.attr in _ROUTE_DECORATORS:
            return True
    args = getattr(fn, "args", None)
    if args is not None:
        names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
        if names & {"request", "req", "websocket", "ws"}:
            return True
    return False
