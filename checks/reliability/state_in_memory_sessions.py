"""state.in-memory-sessions: login/session state kept in a process-local dict."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang as g
from checks.lang.python import dotted
from checks.registry import Context, Example, rule
from checks.reliability._py import long_lived_containers, words
from checks.source import SourceFile

_SESSION_WORDS = {"session", "sessions", "sess", "logins", "login", "logged", "authenticated", "otp", "otps"}
_TOKEN_WORDS = {"token", "tokens", "auth", "refresh", "jwt", "jwts", "csrf", "nonce", "nonces"}
_NOT_LOGIN = {"cache", "cached", "client", "clients", "http", "pool", "db", "engine", "count", "counts",
              "counter", "usage", "limit", "limits", "tokenizer", "tokenizers", "encoding", "price", "prices"}


def _connection_value(values: list[ast.expr], local_classes: set[str]) -> bool:
    """Stored values are connection objects (ClientSession, requests.Session, DB sessions), not login state."""
    for v in values:
        if isinstance(v, ast.Await):
            v = v.value
        if isinstance(v, ast.Call):
            name = (dotted(v.func) or "").rsplit(".", 1)[-1]
            if name in local_classes:
                continue  # the module's own Session/LoginState record
            if name.endswith(("Session", "session", "Client", "client", "connect", "Connection", "maker")):
                return True
    return False


def _is_login_store(name: str) -> bool:
    ws = set(words(name))
    if ws & _NOT_LOGIN:
        return bool(ws & {"session", "sessions"}) and not ws & {"client", "clients", "http", "pool", "db", "engine"}
    return bool(ws & (_SESSION_WORDS | _TOKEN_WORDS))


# Go: map values that are connections/clients, not login state (`map[string]*websocket.Conn`).
_GO_CONN_VALUE = re.compile(r"(Conn|Client|DB|Pool|Tx|Session(Factory|Maker))\b|\bchan\b")


def _go_map_type(node: g.Node | None) -> g.Node | None:
    """The map type of `map[K]V{}`, `make(map[K]V)`, a `map[K]V` type or `sync.Map`, else None."""
    if node is None:
        return None
    if node.type == "expression_list" and node.named_children:
        node = node.named_children[0]
    if node.type == "map_type" or (node.type == "qualified_type" and g.text(node) == "sync.Map"):
        return node
    if node.type == "composite_literal":
        return _go_map_type(node.child_by_field_name("type"))
    if node.type == "call_expression" and g.call_name(node) == "make" and g.call_args(node):
        return _go_map_type(g.call_args(node)[0])
    return None


def _go_stores(root: g.Node) -> dict[str, g.Node]:
    """Package-level maps (`name`) and struct map fields (`.name`) -> declaration node."""
    out: dict[str, g.Node] = {}
    for decl in root.named_children:
        if decl.type == "var_declaration":
            for spec in g.walk(decl, "var_spec"):
                mt = _go_map_type(spec.child_by_field_name("value")) or _go_map_type(spec.child_by_field_name("type"))
                if mt is not None and not _GO_CONN_VALUE.search(g.text(mt)):
                    for name in spec.children_by_field_name("name"):
                        out[g.text(name)] = spec
        elif decl.type == "type_declaration":
            for fd in g.walk(decl, "field_declaration"):
                mt = _go_map_type(fd.child_by_field_name("type"))
                if mt is not None and not _GO_CONN_VALUE.search(g.text(mt)):
                    for name in fd.children_by_field_name("name"):
                        out["." + g.text(name)] = fd
    return out


def _go_hits(f: SourceFile) -> Iterator[Hit]:
    root = f.go
    stores = {k: v for k, v in _go_stores(root).items() if _is_login_store(k.lstrip("."))}
    if not stores:
        return
    written: dict[str, int] = {}
    for node in g.walk(root, "assignment_statement", "call_expression"):
        if node.type == "assignment_statement":
            left = node.child_by_field_name("left")
            targets = [t.child_by_field_name("operand") for t in (left.named_children if left is not None else [])
                       if t.type == "index_expression"]
        else:
            fn = node.child_by_field_name("function")
            if fn is None or fn.type != "selector_expression" or \
                    g.text(fn.child_by_field_name("field")) not in ("Store", "LoadOrStore", "Swap"):
                continue
            targets = [fn.child_by_field_name("operand")]
        for t in targets:
            fn_node = _go_enclosing_func(t) if t is not None else None
            if fn_node is None or (fn_node.type == "function_declaration" and g.func_name(fn_node) == "init"):
                continue  # package initialisation fills a fixed table, not per-login state
            key = g.text(t) if t.type == "identifier" else (
                "." + g.text(t.child_by_field_name("field")) if t.type == "selector_expression" else "")
            if key in stores:
                written.setdefault(key, g.line(node))
    for key, line in written.items():
        decl = stores[key]
        name = key.lstrip(".")
        yield Hit(g.line(decl), message=f"Session/login state is stored in the process-local map `{name}` "
                                        f"(written at line {line}); it is lost on restart and not shared "
                                        "between replicas")


def _go_enclosing_func(node: g.Node) -> g.Node | None:
    for a in g.ancestors(node):
        if a.type in ("function_declaration", "method_declaration", "func_literal"):
            return a
    return None


@rule(
    "state.in-memory-sessions",
    severity="HIGH",
    area="reliability",
    title="Sessions kept in process memory",
    why="Login/session state in a process-local dict is lost on every restart or deploy and is not shared "
        "between replicas or workers, so users are logged out or bounced between states at random.",
    fix="Keep sessions in Redis or the database (with a TTL), or use signed/encrypted cookie sessions; "
        "the process should hold no per-user state.",
    kinds={"python", "go"},
    example=Example(
        path="app/auth.py",
        bad="import secrets\n\n_sessions: dict[str, str] = {}\n\n\ndef login(user_id):\n"
            "    token = secrets.token_urlsafe(32)\n    _sessions[token] = user_id\n    return token\n",
        good="import secrets\n\nimport redis\n\n_redis = redis.Redis.from_url(\"redis://redis:6379/0\")\n\n\n"
             "def login(user_id):\n    token = secrets.token_urlsafe(32)\n"
             "    _redis.setex(f\"session:{token}\", 3600, user_id)\n    return token\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if not any(w in f.text.lower() for w in ("session", "token", "login", "auth", "otp", "csrf", "nonce")):
        return
    if "go" in f.kinds:
        yield from _go_hits(f)
        return
    local_classes = {n.name for n in f.python.body if isinstance(n, ast.ClassDef)}
    for c in f.memo("long_lived_containers", lambda f: long_lived_containers(f.python)):
        if c.kind != "dict" or not _is_login_store(c.name):
            continue
        keyed = [g for g in c.grows if g[1] in ("stores by key", "calls .setdefault()", "calls .update()")]
        if not keyed or _connection_value(c.stored_values, local_classes):
            continue
        line, _how, fn = keyed[0]
        where = f"`{c.owner}.{c.name}`" if c.owner else f"`{c.name}`"
        yield Hit(c.line, message=f"Session/login state is stored in the process-local dict {where} "
                                  f"(written in `{getattr(fn, 'name', '<lambda>')}` at line {line}); it is lost "
                                  "on restart and not shared between replicas")
