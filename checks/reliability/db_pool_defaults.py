"""db.pool-defaults: SQLAlchemy engines created with the default connection-pool settings."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang.python import has_star_kwargs, kwarg, qualname
from checks.registry import Context, Example, rule
from checks.reliability._py import module_strings, string_parts
from checks.source import SourceFile

_ENGINES = {
    "sqlalchemy.create_engine", "sqlalchemy.engine.create_engine", "sqlalchemy.engine.create.create_engine",
    "sqlalchemy.ext.asyncio.create_async_engine", "sqlalchemy.ext.asyncio.engine.create_async_engine",
    "sqlmodel.create_engine", "flask_sqlalchemy.SQLAlchemy",
}
_POOL_KWARGS = ("pool_size", "max_overflow", "pool_pre_ping")
_SKIP_PATH = re.compile(r"(^|/)(scripts?|alembic|migrations)/|(^|/)(env|conftest|setup|noxfile)\.py$")


@rule(
    "db.pool-defaults",
    severity="LOW",
    area="reliability",
    title="Database engine uses default pool settings",
    why="The default pool (5 connections, 10 overflow, no pre-ping) is rarely sized for the app's "
        "concurrency and hands out connections the database already closed, so requests fail after "
        "idle periods or queue under load.",
    fix="Size the pool for the worker's concurrency and the database's connection limit, and enable "
        "`pool_pre_ping=True` (plus `pool_recycle`) so dead connections are replaced.",
    kinds={"python"},
    prefilter=("engine",),  # the check itself only looks at files containing it
    example=Example(
        path="app/db.py",
        bad="import os\nfrom sqlalchemy import create_engine\n\n"
            "engine = create_engine(os.environ[\"DATABASE_URL\"])\n",
        good="import os\nfrom sqlalchemy import create_engine\n\n"
             "engine = create_engine(\n    os.environ[\"DATABASE_URL\"],\n    pool_size=10,\n    max_overflow=5,\n"
             "    pool_pre_ping=True,\n    pool_recycle=1800,\n)\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "engine" not in f.text or _SKIP_PATH.search(f.path):
        return
    tree = f.python
    imports = f.python_imports
    consts = module_strings(tree)
    for node in f.python_of(ast.Call):
        q = qualname(node.func, imports) or ""
        if q not in _ENGINES or q == "flask_sqlalchemy.SQLAlchemy":
            continue
        if has_star_kwargs(node) or any(kwarg(node, k) is not None for k in (*_POOL_KWARGS, "poolclass")):
            continue
        url = node.args[0] if node.args else kwarg(node, "url")
        text = " ".join(string_parts(url, consts)).lower()
        if "sqlite" in text or (isinstance(url, ast.Name) and "sqlite" in url.id.lower()):
            continue
        name = q.rsplit(".", 1)[-1]
        yield Hit(node.lineno, end_line=getattr(node, "end_lineno", None),
                  message=f"`{name}(...)` sets none of pool_size, max_overflow or pool_pre_ping, so it runs "
                          "on the default pool settings")
