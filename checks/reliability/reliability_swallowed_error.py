"""reliability.swallowed-error: exceptions and Go errors that are silently discarded."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang as go
from checks.lang.python import dotted
from checks.registry import Context, Example, rule
from checks.source import SourceFile

# --- Python -----------------------------------------------------------------------------------

_BROAD = {"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"}
_LOG_WORDS = re.compile(r"(log|warn|error|exception|critical|debug|info|print|report|capture|sentry|notify|"
                        r"record|traceback|fail|abort|exit|raise)", re.I)


def _is_broad(handler: ast.ExceptHandler) -> bool:
    t = handler.type
    if t is None:
        return True
    elts = t.elts if isinstance(t, ast.Tuple) else [t]
    return any((dotted(e) or "") in _BROAD for e in elts)


def _only_swallows(body: list[ast.stmt]) -> bool:
    """The handler body does nothing: pass / continue / `...` / a docstring-like constant."""
    for stmt in body:
        if isinstance(stmt, (ast.Pass, ast.Continue)):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue
        return False
    return True


def _reports_or_raises(body: list[ast.stmt]) -> bool:
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Raise):
                return True
            if isinstance(node, ast.Call):
                name = dotted(node.func) or ""
                if _LOG_WORDS.search(name):
                    return True
    return False


def _reraises(body: list[ast.stmt]) -> bool:
    """The handler ends the failure for real: `raise`, `sys.exit(...)`, `os._exit(...)`, `abort(...)`."""
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Raise):
                return True
            if isinstance(node, ast.Call) and re.search(r"(^|\.)(_?exit|abort)$", dotted(node.func) or ""):
                return True
    return False


def _uses_exception(handler: ast.ExceptHandler) -> bool:
    if not handler.name:
        return False
    return any(isinstance(n, ast.Name) and n.id == handler.name for s in handler.body for n in ast.walk(s))


def _python_hits(f: SourceFile) -> Iterator[Hit]:
    # Finalizers must not raise, and Python ignores their exceptions anyway: swallowing there is right.
    handlers = f.python_of(ast.ExceptHandler)
    if not handlers:
        return
    in_del = {id(n) for fn in f.python_of(ast.FunctionDef) if fn.name == "__del__" for n in ast.walk(fn)}
    for node in handlers:
        if not _is_broad(node) or id(node) in in_del:
            continue
        caught = "bare `except:`" if node.type is None else f"`except {ast.unparse(node.type)}`"
        if _only_swallows(node.body):
            yield Hit(node.lineno, message=f"{caught} swallows every error and does nothing with it")
        elif node.type is None and not _reraises(node.body):
            what = "logs but does not re-raise" if _reports_or_raises(node.body) else "neither logs nor re-raises"
            yield Hit(node.lineno, message="bare `except:` catches everything (including KeyboardInterrupt "
                                           f"and SystemExit) and {what}")


# --- Go ---------------------------------------------------------------------------------------

# (package import path, function) -> returns (value, error): ignoring the error with `_` is a swallow.
_GO_PAIR = {
    "net/http": {"Get", "Post", "Head", "PostForm", "NewRequest", "NewRequestWithContext"},
    "os": {"ReadFile", "Open", "Create", "OpenFile", "ReadDir", "CreateTemp", "MkdirTemp"},
    "io/ioutil": {"ReadFile", "ReadAll", "ReadDir", "TempFile", "TempDir"},
    "io": {"ReadAll", "Copy", "CopyN", "ReadFull"},
    "net": {"Dial", "DialTimeout", "Listen"},
    "database/sql": {"Open"},
}
# functions that return only an error: a bare call statement or `_ = call` discards it.
_GO_ERR_ONLY = {
    "encoding/json": {"Unmarshal"},
    "encoding/xml": {"Unmarshal"},
    "gopkg.in/yaml.v2": {"Unmarshal"}, "gopkg.in/yaml.v3": {"Unmarshal"}, "sigs.k8s.io/yaml": {"Unmarshal"},
    "os": {"WriteFile", "MkdirAll", "Mkdir", "Rename", "Chmod"},
    "io/ioutil": {"WriteFile"},
}
_SQL_IMPORTS = ("database/sql", "github.com/jmoiron/sqlx")
_SQL_METHODS = {"Exec", "ExecContext", "Query", "QueryContext"}
_ERR_NAME = re.compile(r"^(err|e|[A-Za-z]\w*(Err|Error))$")


def _go_imports(root: go.Node) -> dict[str, str]:
    out = dict(go.imports(root))
    for spec in go.walk(root, "import_spec"):
        if spec.child_by_field_name("name") is not None:
            continue
        path = go.text(spec.child_by_field_name("path")).strip('"`')
        last = path.rsplit("/", 1)[-1]
        short = re.sub(r"\.v\d+$", "", last)
        short = re.sub(r"^go-", "", short)
        out.setdefault(short, path)
    return out


def _resolve(call: go.Node, imports: dict[str, str]) -> tuple[str, str]:
    """(import path, function) of a `pkg.Func(...)` call, else ('', '')."""
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "selector_expression":
        return "", ""
    operand = fn.child_by_field_name("operand")
    field = go.text(fn.child_by_field_name("field"))
    if operand is not None and operand.type == "identifier":
        return imports.get(go.text(operand), ""), field
    return "", field


def _is_decode_chain(call: go.Node, imports: dict[str, str]) -> bool:
    """json.NewDecoder(r).Decode(&v)."""
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "selector_expression" or go.text(fn.child_by_field_name("field")) != "Decode":
        return False
    operand = fn.child_by_field_name("operand")
    if operand is None or operand.type != "call_expression":
        return False
    path, name = _resolve(operand, imports)
    return name == "NewDecoder" and path in ("encoding/json", "encoding/xml", "encoding/gob")


def _err_only_call(call: go.Node, imports: dict[str, str], sql: bool) -> str | None:
    path, name = _resolve(call, imports)
    if name in _GO_ERR_ONLY.get(path, ()):
        return f"{path.rsplit('/', 1)[-1].split('.')[0]}.{name}"
    if _is_decode_chain(call, imports):
        return "Decode"
    if sql and not path and name in _SQL_METHODS:
        fn = call.child_by_field_name("function")
        operand = fn.child_by_field_name("operand") if fn is not None else None
        if operand is not None and re.search(r"(db|tx|DB|Tx|conn|Conn)$", go.text(operand)):
            return go.text(fn)
    return None


def _pair_call(call: go.Node, imports: dict[str, str], sql: bool = False) -> str | None:
    path, name = _resolve(call, imports)
    if name in _GO_PAIR.get(path, ()):
        return f"{path.rsplit('/', 1)[-1]}.{name}"
    fn = call.child_by_field_name("function")
    if sql and not path and name in _SQL_METHODS and fn is not None and fn.type == "selector_expression":
        operand = fn.child_by_field_name("operand")
        if operand is not None and re.search(r"(db|tx|DB|Tx|conn|Conn)$", go.text(operand)):
            return go.text(fn)  # rows, _ := db.Query(...)
    if fn is not None and fn.type == "selector_expression" and name == "Do" and len(go.call_args(call)) == 1 \
            and "net/http" in imports.values():
        return f"{go.text(fn.child_by_field_name('operand'))}.Do"
    return None


def _in_status_error_branch(node: go.Node) -> bool:
    for anc in go.ancestors(node):
        if anc.type == "if_statement" and "Status" in go.text(anc.child_by_field_name("condition")):
            return True
        if anc.type in ("function_declaration", "method_declaration", "func_literal"):
            return False
    return False


def _go_hits(f: SourceFile) -> Iterator[Hit]:
    root = f.go
    imports = _go_imports(root)
    sql = any(p in imports.values() for p in _SQL_IMPORTS)
    for node in go.walk(root, "assignment_statement", "short_var_declaration", "expression_statement",
                      "if_statement"):
        if node.type == "expression_statement":
            expr = node.named_children[0] if node.named_children else None
            if expr is not None and expr.type == "call_expression":
                what = _err_only_call(expr, imports, sql)
                if what:
                    yield Hit(go.line(node), message=f"The error returned by `{what}(...)` is ignored")
            continue
        if node.type == "if_statement":
            cond = go.text(node.child_by_field_name("condition")).replace(" ", "")
            body = node.child_by_field_name("consequence")
            if re.fullmatch(r"\w+!=nil", cond) and _ERR_NAME.match(cond[:-5]) and body is not None \
                    and not [c for c in body.named_children if c.type != "comment"] \
                    and node.child_by_field_name("alternative") is None:
                yield Hit(go.line(node), message=f"`if {cond[:-5]} != nil {{}}` has an empty body: the error "
                                                 "is checked and then dropped")
            continue
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            continue
        lhs = [c for c in left.named_children if c.type != "comment"]
        rhs = [c for c in right.named_children if c.type != "comment"]
        if not lhs or go.text(lhs[-1]) != "_":
            continue
        if node.type == "assignment_statement" and len(lhs) == 1 and len(rhs) == 1:
            value = rhs[0]
            if value.type == "identifier" and _ERR_NAME.match(go.text(value)) and go.text(value) != "e":
                yield Hit(go.line(node), message=f"`_ = {go.text(value)}` discards the error")
                continue
            if value.type == "call_expression":
                what = _err_only_call(value, imports, sql)
                if what:
                    yield Hit(go.line(node), message=f"The error returned by `{what}(...)` is discarded with `_`")
            continue
        if len(lhs) == 2 and len(rhs) == 1 and rhs[0].type == "call_expression":
            what = _pair_call(rhs[0], imports, sql)
            if what and what.endswith("ReadAll") and _in_status_error_branch(node):
                continue  # best-effort read of an error response body for the error message
            if what:
                yield Hit(go.line(node), message=f"The error returned by `{what}(...)` is discarded with `_`")


@rule(
    "reliability.swallowed-error",
    severity="MEDIUM",
    area="reliability",
    title="Error swallowed silently",
    why="An error that is caught and dropped hides failures: the code carries on with missing or "
        "half-written data and nobody learns why until the damage shows up somewhere else.",
    fix="Catch the specific exception you expect, and log it with context (`logger.exception(...)`) or "
        "re-raise; in Go, handle or return every error (`if err != nil { return fmt.Errorf(\"...: %w\", err) }`).",
    kinds={"python", "go"},
    example=Example(
        path="app/sync.py",
        bad="def sync(client, item):\n    try:\n        client.push(item)\n    except Exception:\n        pass\n",
        good="import logging\n\nlog = logging.getLogger(__name__)\n\n\ndef sync(client, item):\n    try:\n"
             "        client.push(item)\n    except Exception:\n        log.exception(\"push failed for %s\", item.id)\n"
             "        raise\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "python" in f.kinds:
        yield from _python_hits(f)
    elif "go" in f.kinds:
        yield from _go_hits(f)
