"""state.in-memory-sessions: login/session state kept in a process-local dict."""
from __future__ import annotations

import ast
from collections.abc import Iterator

from bot.models import Hit
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


@rule(
    "state.in-memory-sessions",
    severity="HIGH",
    area="reliability",
    title="Sessions kept in process memory",
    why="Login/session state in a process-local dict is lost on every restart or deploy and is not shared "
        "between replicas or workers, so users are logged out or bounced between states at random.",
    fix="Keep sessions in Redis or the database (with a TTL), or use signed/encrypted cookie sessions; "
        "the process should hold no per-user state.",
    kinds={"python"},
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
