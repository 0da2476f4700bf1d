"""py.unbounded-memory: module-level or long-lived containers that only ever grow."""
from __future__ import annotations

from collections.abc import Iterator

from checks.model import Hit
from checks.registry import Context, Example, rule
from checks.reliability._py import is_request_handler, is_runtime_store, long_lived_containers
from checks.source import SourceFile


@rule(
    "py.unbounded-memory",
    severity="MEDIUM",
    area="reliability",
    title="Long-lived container grows without bound",
    why="A module-level or class-level dict/list that functions keep adding to and nothing ever evicts "
        "grows for the life of the process, until the worker runs out of memory and is killed.",
    fix="Bound it: `collections.deque(maxlen=N)`, `cachetools.TTLCache`/`LRUCache(maxsize=N)`, "
        "`functools.lru_cache(maxsize=N)`, or evict entries explicitly (pop/del on expiry); keep shared "
        "state in Redis or the database.",
    kinds={"python"},
    example=Example(
        path="app/chat.py",
        bad="_history: dict[str, list] = {}\n\n\ndef remember(user_id, message):\n"
            "    _history.setdefault(user_id, []).append(message)\n",
        good="from cachetools import TTLCache\n\n_history = TTLCache(maxsize=10_000, ttl=3600)\n\n\n"
             "def remember(user_id, message):\n    _history.setdefault(user_id, []).append(message)\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if not any(tok in f.text for tok in ("{}", "[]", "dict(", "list(", "set(", "defaultdict", "deque(")):
        return
    for c in f.memo("long_lived_containers", lambda f: long_lived_containers(f.python)):
        if not c.grows or c.shrinks or c.registry or c.per_instance:
            continue
        in_handler = any(is_request_handler(fn) for _line, _how, fn in c.grows)
        if not (is_runtime_store(c.name) or in_handler):
            continue
        line, how, fn = c.grows[0]
        where = f"class attribute `{c.owner}.{c.name}`" if c.owner and not c.instance else (
            f"`self.{c.name}` of the module-level `{c.owner}` instance" if c.owner else f"module-level `{c.name}`")
        fname = getattr(fn, "name", "<lambda>")
        yield Hit(c.line, message=f"{where[0].upper()}{where[1:]} only grows ({how} in `{fname}` at line {line}) "
                                  "and nothing ever evicts from it")
