"""web.debug-enabled: framework debug mode switched on in code or deploy config."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang as go
from checks.lang.python import call_name, dotted, kwarg
from checks.lang.yamlast import YList, YMap
from checks.registry import Context, Example, rule
from checks.security import _net
from checks.source import ParseError, SourceFile

_NON_PROD_TOKENS = {"dev", "develop", "development", "local", "test", "tests", "testing", "ci", "debug",
                    "example", "examples", "sample", "samples", "template", "tpl", "dist", "override", "e2e", "sandbox",
                    "demo", "integration", "docs"}
_TRUTHY = {"true", "1", "yes", "on", "t", "y"}
# Deploy-config variables that switch a framework into debug mode, and the values that do.
_ENV_DEBUG = {
    "GIN_MODE": {"debug"},
    "FLASK_DEBUG": _TRUTHY,
    "DJANGO_DEBUG": _TRUTHY,
    "FLASK_ENV": {"development"},
}
_ENV_LINE = re.compile(
    r"""^\s*(?:export\s+|ENV\s+|-\s+)?["']?(GIN_MODE|FLASK_DEBUG|DJANGO_DEBUG|FLASK_ENV)["']?"""
    r"""\s*(?:=|:|\s)\s*["']?([\w-]+)["']?\s*(?:#.*)?$""", re.I)
_NON_PROD_CLASS = re.compile(r"(?i)dev|local|test|debug")
_APP_CTORS = {"fastapi.FastAPI", "starlette.applications.Starlette", "starlette.Starlette",
              "quart.Quart", "sanic.Sanic", "litestar.Litestar"}


@rule(
    "web.debug-enabled",
    severity="MEDIUM",
    area="security",
    title="Debug mode enabled in production code or config",
    why="Debug mode serves stack traces, settings and sometimes an interactive console (Werkzeug) to anyone "
        "who triggers an error, and disables production safeguards.",
    fix="Drive debug from the environment with a safe default (`DEBUG = env.bool(\"DEBUG\", default=False)`, "
        "`GIN_MODE=release`) and keep debug settings in dev/local/test files only.",
    kinds={"python", "go", "env", "yaml", "dockerfile"},
    example=Example(
        path="app/main.py",
        bad='from flask import Flask\n\napp = Flask(__name__)\n\nif __name__ == "__main__":\n'
            '    app.run(host="0.0.0.0", port=8000, debug=True)\n',
        good='import os\n\nfrom flask import Flask\n\napp = Flask(__name__)\n\nif __name__ == "__main__":\n'
             '    app.run(host="0.0.0.0", port=8000, debug=os.environ.get("FLASK_DEBUG") == "1")\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if _non_prod_name(f.path):
        return
    if "python" in f.kinds:
        yield from _python(f)
    elif "go" in f.kinds:
        yield from _go(f)
    elif "yaml" in f.kinds:
        if "gha" in f.kinds or "gitlab-ci" in f.kinds:
            return
        yield from _yaml(f)
    elif "env" in f.kinds or "dockerfile" in f.kinds:
        yield from _env_lines(f)


def _non_prod_name(path: str) -> bool:
    parts = path.lower().split("/")
    stem = parts[-1]
    tokens = set(re.split(r"[._-]", stem))
    tokens |= set(parts[:-1])
    return bool(tokens & _NON_PROD_TOKENS)


def _truthy(node: ast.AST | None) -> bool:
    if isinstance(node, ast.Constant):
        if node.value is True:
            return True
        return isinstance(node.value, str) and node.value.lower() in _TRUTHY
    return False


def _is_settings_file(path: str) -> bool:
    parts = path.lower().split("/")
    return "settings" in parts[-1] or any(p == "settings" for p in parts[:-1])


def _env_default_true(value: ast.AST) -> bool:
    """`env.bool("DEBUG", default=True)`, `config("DEBUG", default=True)`, `os.getenv("DEBUG", "True") == "True"`."""
    for node in ast.walk(value):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str) and "DEBUG" in first.value.upper()):
            continue
        default = kwarg(node, "default")
        if default is None and len(node.args) > 1:
            default = node.args[1]
        if _truthy(default):
            return True
    return False


def _python(f: SourceFile) -> Iterator[Hit]:
    imports = f.python_imports
    settings_file = _is_settings_file(f.path)
    for node in f.python_of(ast.Call, ast.Assign, ast.AnnAssign, ast.Module, ast.ClassDef):
        if isinstance(node, ast.Call):
            name = call_name(node, imports)
            debug = kwarg(node, "debug")
            if debug is None and len(node.args) >= 3 and name.endswith(".run") and \
                    any(v == "flask" or v.startswith("flask.") for v in imports.values()):
                debug = node.args[2]  # Flask.run(host, port, debug)
            if not (isinstance(debug, ast.Constant) and debug.value is True):
                if name.endswith((".config.update", "config.from_mapping")) and _truthy(kwarg(node, "DEBUG")):
                    yield Hit(node.lineno, message=f"`{dotted(node.func)}(DEBUG=True)` turns on Flask debug mode")
                continue
            short = name.rsplit(".", 1)[-1]
            if name.startswith(("asyncio.", "trio.", "anyio.")) or "loop" in name:
                continue
            if short == "run" or name in ("uvicorn.run", "socketio.run", "werkzeug.run_simple",
                                          "werkzeug.serving.run_simple") or short == "run_simple":
                yield Hit(node.lineno, end_line=node.end_lineno,
                          message=f"`{dotted(node.func)}(..., debug=True)` starts the server in debug mode, which "
                                  "exposes the interactive debugger and stack traces")
            elif name in _APP_CTORS or short in ("FastAPI", "Starlette", "Quart", "Sanic"):
                yield Hit(node.lineno, end_line=node.end_lineno,
                          message=f"`{short}(debug=True)` returns full tracebacks to clients on errors")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            if value is None:
                continue
            for target in targets:
                # app.debug = True / app.config["DEBUG"] = True
                if isinstance(target, ast.Attribute) and target.attr == "debug" and \
                        isinstance(value, ast.Constant) and value.value is True and \
                        isinstance(target.value, ast.Name) and target.value.id in ("app", "application", "server"):
                    yield Hit(node.lineno, message=f"`{dotted(target)} = True` turns on debug mode")
                elif isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) and \
                        target.slice.value == "DEBUG" and (dotted(target.value) or "").endswith("config") and \
                        isinstance(value, ast.Constant) and value.value is True:
                    yield Hit(node.lineno, message=f"`{dotted(target.value)}[\"DEBUG\"] = True` turns on debug mode")
        if isinstance(node, ast.Module) and settings_file:
            yield from _settings_debug(node)
        elif isinstance(node, ast.ClassDef) and re.search(r"(?i)prod|live|release", node.name) and \
                not _NON_PROD_CLASS.search(node.name):
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "DEBUG"
                                                        for t in stmt.targets) and \
                        isinstance(stmt.value, ast.Constant) and stmt.value.value is True:
                    yield Hit(stmt.lineno, message=f"`{node.name}.DEBUG = True` runs the production "
                                                   "configuration in debug mode")
        elif isinstance(node, ast.ClassDef) and _is_settings_class(node, imports):
            for stmt in node.body:
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and \
                        stmt.target.id.lower() == "debug" and isinstance(stmt.value, ast.Constant) and \
                        stmt.value.value is True:
                    yield Hit(stmt.lineno, message=f"Settings class `{node.name}` defaults `debug` to True, so "
                                                   "production runs in debug mode unless someone overrides it")


def _is_settings_class(cls: ast.ClassDef, imports: dict[str, str]) -> bool:
    for base in cls.bases:
        name = dotted(base) or ""
        full = imports.get(name.split(".")[0], name)
        if name.endswith("BaseSettings") or "pydantic_settings" in full or full.endswith("BaseSettings"):
            return True
    return False


def _settings_debug(module: ast.Module) -> Iterator[Hit]:
    for stmt in module.body:
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets, value = [stmt.target], stmt.value
        else:
            continue
        if not any(isinstance(t, ast.Name) and t.id in ("DEBUG", "TEMPLATE_DEBUG") for t in targets):
            continue
        if isinstance(value, ast.Constant) and value.value is True:
            yield Hit(stmt.lineno, message="`DEBUG = True` in production settings shows stack traces and settings "
                                           "to visitors")
        elif _env_default_true(value):
            yield Hit(stmt.lineno, message="`DEBUG` defaults to True when the environment variable is unset, so a "
                                           "missing variable turns debug on in production")


def _go(f: SourceFile) -> Iterator[Hit]:
    root = f.go
    gin = _net.go_local_name(root, "github.com/gin-gonic/gin")
    if gin is None:
        return
    for call in go.walk(root, "call_expression"):
        if go.call_name(call) != f"{gin}.SetMode":
            continue
        args = go.call_args(call)
        if not args:
            continue
        arg = go.text(args[0]).strip()
        if arg not in (f"{gin}.DebugMode", '"debug"', "`debug`"):
            continue
        if _guarded_by_dev_check(call):
            continue
        yield Hit(go.line(call), message=f"`{gin}.SetMode({arg})` runs Gin in debug mode (verbose route dumps, "
                                         "debug logging) in production code")


def _guarded_by_dev_check(node) -> bool:
    for anc in go.ancestors(node):
        if anc.type == "if_statement":
            cond = go.text(anc.child_by_field_name("condition")).lower()
            if re.search(r"dev|local|debug|test", cond):
                return True
        if anc.type == "expression_case":
            if re.search(r"dev|local|debug|test", go.text(anc.child_by_field_name("value")).lower()):
                return True
    return False


def _env_lines(f: SourceFile) -> Iterator[Hit]:
    for number, line in enumerate(f.lines, start=1):
        m = _ENV_LINE.match(line)
        if not m:
            continue
        key, value = m.group(1).upper(), m.group(2).lower()
        if value in _ENV_DEBUG[key]:
            yield Hit(number, message=f"`{key}={m.group(2)}` switches the framework into debug mode")


def _yaml(f: SourceFile) -> Iterator[Hit]:
    if not any(k in f.text for k in _ENV_DEBUG):
        return
    try:
        docs = f.yaml_docs
    except ParseError:  # Helm templates and other non-YAML: fall back to the line forms
        yield from _env_lines(f)
        return
    for doc in docs:
        yield from _walk_yaml(doc)


def _bad(key: object, value: object) -> bool:
    if not isinstance(key, str) or key.upper() not in _ENV_DEBUG:
        return False
    if isinstance(value, bool):
        return value and key.upper() != "GIN_MODE" and key.upper() != "FLASK_ENV"
    return isinstance(value, (str, int)) and str(value).strip().lower() in _ENV_DEBUG[key.upper()]


def _walk_yaml(node: object) -> Iterator[Hit]:
    if isinstance(node, YMap):
        name = node.get("name")
        if isinstance(name, str) and "value" in node and _bad(name, node.get("value")):
            yield Hit(node.line_of("value"), message=f"`{name}` is set to `{node.get('value')}`, which switches "
                                                     "the framework into debug mode")
        for key, value in node.items():
            if _bad(key, value):
                yield Hit(node.line_of(key), message=f"`{key}: {value}` switches the framework into debug mode")
            else:
                yield from _walk_yaml(value)
    elif isinstance(node, YList):
        for i, item in enumerate(node):
            if isinstance(item, str) and "=" in item:
                key, _, value = item.partition("=")
                if _bad(key.strip(), value.strip().strip("'\"")):
                    yield Hit(node.item_lines[i], message=f"`{item}` switches the framework into debug mode")
            else:
                yield from _walk_yaml(item)
