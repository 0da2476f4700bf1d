"""py.blocking-in-async: synchronous sleeps, HTTP, subprocess, DB and file I/O inside `async def`."""
from __future__ import annotations

import ast
from collections.abc import Iterator

from checks.model import Hit
from checks.lang.python import qualname
from checks.registry import Context, Example, rule
from checks.reliability._py import own_nodes, unwrap_await
from checks.source import SourceFile

_HTTP_VERBS = {"get", "post", "put", "patch", "delete", "head", "options", "request"}
_DIRECT = {
    "time.sleep": "`time.sleep()` blocks the event loop; use `await asyncio.sleep()`",
    "urllib.request.urlopen": "`urllib.request.urlopen()` is a blocking HTTP call",
    "urllib2.urlopen": "`urllib2.urlopen()` is a blocking HTTP call",
    "subprocess.run": "`subprocess.run()` blocks until the child process exits",
    "subprocess.call": "`subprocess.call()` blocks until the child process exits",
    "subprocess.check_call": "`subprocess.check_call()` blocks until the child process exits",
    "subprocess.check_output": "`subprocess.check_output()` blocks until the child process exits",
    "subprocess.getoutput": "`subprocess.getoutput()` blocks until the child process exits",
    "subprocess.getstatusoutput": "`subprocess.getstatusoutput()` blocks until the child process exits",
    "os.system": "`os.system()` blocks until the shell command exits",
    "psycopg2.connect": "`psycopg2.connect()` is a synchronous database driver",
    "psycopg.connect": "`psycopg.connect()` is a synchronous database connection",
    "sqlite3.connect": "`sqlite3.connect()` is a synchronous database driver",
    "pymysql.connect": "`pymysql.connect()` is a synchronous database driver",
    "MySQLdb.connect": "`MySQLdb.connect()` is a synchronous database driver",
    "mysql.connector.connect": "`mysql.connector.connect()` is a synchronous database driver",
    "pymongo.MongoClient": "`pymongo.MongoClient()` is a synchronous database client",
    "cx_Oracle.connect": "`cx_Oracle.connect()` is a synchronous database driver",
    "pyodbc.connect": "`pyodbc.connect()` is a synchronous database driver",
}
# Constructors of synchronous clients whose method calls block.
_SYNC_CLIENTS = {
    "requests.Session": "requests session", "requests.session": "requests session",
    "requests.sessions.Session": "requests session",
    "httpx.Client": "synchronous httpx client",
    "redis.Redis": "synchronous Redis client", "redis.StrictRedis": "synchronous Redis client",
    "redis.from_url": "synchronous Redis client", "redis.Redis.from_url": "synchronous Redis client",
    "redis.client.Redis": "synchronous Redis client",
    "redis.StrictRedis.from_url": "synchronous Redis client",
}
_CLIENT_HTTP_ONLY = {"requests session", "synchronous httpx client"}
# Module-level synchronous DB handles (`conn = psycopg2.connect(DSN)`, `mongo = MongoClient()`) and
# sync SQLAlchemy sessions injected into handlers (`db: Session = Depends(get_db)`): only their
# query methods count (building a cursor or adding an object does no I/O).
_DB_CONN = "synchronous database connection"
_MONGO = "synchronous MongoDB client"
_ORM = "synchronous SQLAlchemy session"
_SYNC_DB = {q: _DB_CONN for q in ("psycopg2.connect", "psycopg.connect", "sqlite3.connect", "pymysql.connect",
                                  "MySQLdb.connect", "mysql.connector.connect", "cx_Oracle.connect",
                                  "pyodbc.connect")}
_SYNC_DB.update({"pymongo.MongoClient": _MONGO, "pymongo.mongo_client.MongoClient": _MONGO})
_ORM_SESSIONS = {"sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session"}
_KIND_METHODS = {
    _DB_CONN: {"execute", "executemany", "executescript", "commit"},
    _MONGO: {"find", "find_one", "insert_one", "insert_many", "update_one", "update_many", "delete_one",
             "delete_many", "replace_one", "count_documents", "aggregate", "find_one_and_update",
             "find_one_and_delete", "find_one_and_replace", "bulk_write", "distinct"},
    _ORM: {"query", "execute", "commit", "scalars", "scalar", "get", "flush", "refresh"},
}
_PROC_WAIT = {"communicate", "wait"}
_READ_ALL = {"read", "readlines"}
_WRAPPERS = {"run_in_executor", "to_thread", "run_sync", "run_in_threadpool", "sync_to_async",
             "defer_to_thread", "run_blocking"}
_OPEN = {"open", "io.open", "codecs.open"}
_LOADERS = {"json.load", "pickle.load", "yaml.load", "yaml.safe_load", "yaml.full_load", "tomllib.load",
            "toml.load"}
_PATH = {"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"}


def _wrapped(fn: ast.AsyncFunctionDef) -> set[int]:
    """ids of nodes passed as arguments to run_in_executor / to_thread style wrappers."""
    out: set[int] = set()
    for node in own_nodes(fn):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name in _WRAPPERS:
                for arg in [*node.args, *(kw.value for kw in node.keywords)]:
                    out.update(id(n) for n in ast.walk(arg))
    return out


def _open_call(node: ast.AST, imports: dict[str, str]) -> bool:
    node = unwrap_await(node)
    return isinstance(node, ast.Call) and qualname(node.func, imports) in _OPEN


def _check_function(fn: ast.AsyncFunctionDef, imports: dict[str, str], module_clients: dict[str, str]
                    ) -> Iterator[Hit]:
    wrapped = _wrapped(fn)
    nodes = list(own_nodes(fn))
    clients = dict(module_clients)     # local name -> client kind
    procs: set[str] = set()           # names bound to subprocess.Popen(...)
    files: set[str] = set()           # names bound to open(...)
    args = fn.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        ann = arg.annotation
        if isinstance(ann, ast.Subscript) and (qualname(ann.value, imports) or "").endswith("Annotated"):
            ann = ann.slice.elts[0] if isinstance(ann.slice, ast.Tuple) and ann.slice.elts else ann.slice
        if ann is not None and qualname(ann, imports) in _ORM_SESSIONS:
            clients[arg.arg] = _ORM
        elif arg.arg in clients:
            clients.pop(arg.arg)
    for node in nodes:
        pairs: list[tuple[ast.AST, ast.AST]] = []
        if isinstance(node, ast.Assign):
            pairs = [(t, node.value) for t in node.targets]
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            pairs = [(node.target, node.value)]
        elif isinstance(node, ast.With):
            pairs = [(i.optional_vars, i.context_expr) for i in node.items if i.optional_vars is not None]
        for target, value in pairs:
            if not isinstance(target, ast.Name):
                continue
            value = unwrap_await(value)
            q = qualname(value.func, imports) or "" if isinstance(value, ast.Call) else ""
            if q in _SYNC_CLIENTS:
                clients[target.id] = _SYNC_CLIENTS[q]
                continue
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
                    value.func.attr == "cursor" and isinstance(value.func.value, ast.Name) and \
                    clients.get(value.func.value.id) == _DB_CONN:
                clients[target.id] = _DB_CONN  # cur = conn.cursor() on a module-level connection
                continue
            clients.pop(target.id, None)
            if q == "subprocess.Popen":
                procs.add(target.id)
            elif _open_call(value, imports):
                files.add(target.id)

    seen_lines: set[int] = set()
    for node in nodes:
        if not isinstance(node, ast.Call) or id(node) in wrapped:
            continue
        msg = _blocking(node, imports, clients, procs, files)
        if msg and node.lineno not in seen_lines:
            seen_lines.add(node.lineno)
            yield Hit(node.lineno, end_line=getattr(node, "end_lineno", None),
                      message=f"{msg} inside `async def {fn.name}`, stalling every other task on the "
                              "event loop")


def _blocking(call: ast.Call, imports: dict[str, str], clients: dict[str, str], procs: set[str],
              files: set[str]) -> str | None:
    q = qualname(call.func, imports) or ""
    if q in _DIRECT:
        return _DIRECT[q]
    head, _, attr = q.rpartition(".")
    if q in _LOADERS and call.args and (_open_call(call.args[0], imports) or
                                        (isinstance(call.args[0], ast.Name) and call.args[0].id in files)):
        return f"`{q}()` reads the whole file synchronously"
    if head in ("requests", "httpx") and attr in _HTTP_VERBS:
        return f"`{q}()` is a blocking HTTP call"
    if not isinstance(call.func, ast.Attribute):
        return None
    method = call.func.attr
    obj = call.func.value
    # Chained forms: requests.Session().get(...), subprocess.Popen(...).communicate(), open(p).read()
    if isinstance(obj, ast.Call):
        inner = qualname(obj.func, imports) or ""
        if inner in _SYNC_CLIENTS:
            kind = _SYNC_CLIENTS[inner]
            if kind not in _CLIENT_HTTP_ONLY or method in _HTTP_VERBS:
                return f"`{inner}().{method}()` is a blocking call on a {kind}"
        if inner == "subprocess.Popen" and method in _PROC_WAIT:
            return f"`subprocess.Popen(...).{method}()` blocks until the child process exits"
        if _open_call(obj, imports) and method in _READ_ALL and not call.args and not call.keywords:
            return f"`open(...).{method}()` reads the whole file synchronously"
        if inner in _PATH and method in ("read_text", "read_bytes"):
            return f"`Path(...).{method}()` reads the whole file synchronously"
        return None
    root = obj
    while isinstance(root, ast.Attribute):
        root = root.value  # mongo.db.users.find_one(...)
    if isinstance(root, ast.Name) and clients.get(root.id) in _KIND_METHODS:
        kind = clients[root.id]
        if method in _KIND_METHODS[kind] and (root is obj or kind == _MONGO):
            return f"`{ast.unparse(call.func)}()` is a blocking call on a {kind}"
        return None
    if isinstance(obj, ast.Name):
        kind = clients.get(obj.id)
        if kind and (kind not in _CLIENT_HTTP_ONLY or method in _HTTP_VERBS):
            if method in ("close", "pipeline") and kind not in _CLIENT_HTTP_ONLY:
                return None
            return f"`{obj.id}.{method}()` is a blocking call on a {kind}"
        if obj.id in procs and method in _PROC_WAIT:
            return f"`{obj.id}.{method}()` blocks until the child process exits"
        if obj.id in files and method in _READ_ALL and not call.args and not call.keywords:
            return f"`{obj.id}.{method}()` reads the whole file synchronously"
    return None


def _module_clients(tree: ast.Module, imports: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for stmt in tree.body:
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
        if isinstance(value, ast.Call):
            q = qualname(value.func, imports) or ""
            kind = _SYNC_CLIENTS.get(q) or _SYNC_DB.get(q)
            if kind:
                for t in targets:
                    if isinstance(t, ast.Name):
                        out[t.id] = kind
    return out


@rule(
    "py.blocking-in-async",
    severity="HIGH",
    area="reliability",
    title="Blocking call inside async function",
    why="A synchronous sleep, HTTP request, subprocess, database or file call inside `async def` "
        "freezes the whole event loop, so every other request on that worker waits for it.",
    fix="Use the async equivalent (`await asyncio.sleep`, httpx.AsyncClient/aiohttp, "
        "asyncio.create_subprocess_exec, an async DB driver, aiofiles) or move the call off the loop "
        "with `await asyncio.to_thread(...)` / `loop.run_in_executor(...)`.",
    kinds={"python"},
    prefilter=("async def",),  # the check itself only looks at files containing it
    example=Example(
        path="app/handlers.py",
        bad="import time\nimport requests\n\n\nasync def fetch_status(url):\n    time.sleep(1)\n"
            "    return requests.get(url, timeout=5).json()\n",
        good="import asyncio\nimport httpx\n\n\nasync def fetch_status(url):\n    await asyncio.sleep(1)\n"
             "    async with httpx.AsyncClient(timeout=5) as client:\n"
             "        return (await client.get(url)).json()\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    tree = f.python
    if "async def" not in f.text:
        return
    imports = f.python_imports
    module_clients = _module_clients(tree, imports)
    for node in f.python_of(ast.AsyncFunctionDef):
        yield from _check_function(node, imports, module_clients)
