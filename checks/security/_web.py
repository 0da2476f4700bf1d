"""Shared helpers for the web/auth security rules (Python handlers, Go handlers, JS text scanning)."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.lang import golang as go
from checks.lang.python import dotted

# --- names ----------------------------------------------------------------------------------

# Query/storage keys and variables that carry a credential.
TOKEN_NAME = re.compile(
    r"^(?:x[_-]?)?(?:access[_-]?token|accesstoken|token|auth[_-]?token|authtoken|jwt|jwt[_-]?token|"
    r"id[_-]?token|bearer|bearer[_-]?token|api[_-]?key|apikey|session[_-]?token|sessiontoken|"
    r"refresh[_-]?token|refreshtoken|auth[_-]?key|private[_-]?token|user[_-]?token|usertoken)$",
    re.I,
)


def name_tokens(name: str) -> list[str]:
    """`FileURL` -> [file, url]; `avatar_url` -> [avatar, url]; `redirectURI` -> [redirect, uri]."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [t.lower() for t in re.split(r"[\s_\-.]+", spaced) if t]


# --- paths ----------------------------------------------------------------------------------

_DEV_FILE = re.compile(r"(^|[_.-])(dev|devel|development|local|test|tests|testing|ci|example|sample)([_.-]|$)",
                       re.I)
_NON_PROD_DIRS = {"examples", "example", "samples", "sample", "demo", "demos", "docs", "scripts", "seed",
                  "seeds", "seeders", "mocks", "mock", "fakes", "fixtures", "migrations", "hack", "dev"}


def is_dev_settings(path: str) -> bool:
    """Settings files meant for development or tests (`settings/dev.py`, `config_local.py`...)."""
    name = path.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0]
    return bool(_DEV_FILE.search(stem))


def is_non_prod_path(path: str) -> bool:
    parts = [p.lower() for p in path.split("/")]
    if any(p in _NON_PROD_DIRS for p in parts[:-1]):
        return True
    stem = parts[-1].rsplit(".", 1)[0]
    return bool(re.search(r"(^|[_.-])(seed|seeds|seeder|mock|mocks|fake|fakes|fixture|fixtures|example|demo)"
                          r"([_.-]|$)", stem))


# --- comments -------------------------------------------------------------------------------

def comment_text(line: str) -> str:
    """The comment part of a source line (`#` or `//`), crude but good enough for hints."""
    m = re.search(r"(?:^|\s)(#|//)(.*)$", line)
    return m.group(2) if m else ""


def comments_near(lines: list[str], line: int, before: int = 3, after: int = 0) -> str:
    out = []
    for n in range(max(1, line - before), min(len(lines), line + after) + 1):
        out.append(comment_text(lines[n - 1]))
    return "\n".join(out)


# --- Python ---------------------------------------------------------------------------------

ROUTE_DECORATOR_ATTRS = {"get", "post", "put", "patch", "delete", "route", "websocket", "api_route", "head",
                         "options", "view", "websocket_route", "ws"}
VIEW_METHODS = {"get", "post", "put", "patch", "delete", "dispatch", "head", "options"}


def py_param_names(fn: ast.AST) -> list[str]:
    a = fn.args  # type: ignore[attr-defined]
    return [p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]]


def is_route_decorated(fn: ast.AST) -> bool:
    for dec in getattr(fn, "decorator_list", []):
        target = dec.func if isinstance(dec, ast.Call) else dec
        name = dotted(target) or ""
        if name.rsplit(".", 1)[-1] in ROUTE_DECORATOR_ATTRS and "." in name:
            return True
    return False


def is_py_handler(fn: ast.AST, parent_of: dict[ast.AST, ast.AST]) -> bool:
    """A function that handles a web request: route-decorated, takes a request/websocket, or a view method."""
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    if is_route_decorated(fn):
        return True
    params = py_param_names(fn)
    if any(p in ("request", "req", "websocket", "ws") for p in params):
        return True
    owner = parent_of.get(fn)
    if isinstance(owner, ast.ClassDef) and fn.name in VIEW_METHODS:
        bases = " ".join(dotted(b) or "" for b in owner.bases)
        if re.search(r"View|Resource|Handler|Endpoint", bases):
            return True
    return False


def module_assignments(tree: ast.AST, nodes: "list[ast.AST] | None" = None) -> dict[str, list[ast.expr]]:
    """Every simple `name = value` in the module (any depth), by name.

    `nodes`: the file's shared walk (`f.python_of(ast.Assign, ast.AnnAssign)`) instead of walking `tree`."""
    out: dict[str, list[ast.expr]] = {}
    for node in (ast.walk(tree) if nodes is None else nodes):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    out.setdefault(t.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            out.setdefault(node.target.id, []).append(node.value)
    return out


def resolve_py(node: ast.expr | None, assigns: dict[str, list[ast.expr]]) -> ast.expr | None:
    """A Name bound exactly once in the module resolves to its value; anything else stays as is."""
    seen = 0
    while isinstance(node, ast.Name) and seen < 5:
        values = assigns.get(node.id)
        if not values or len(values) != 1:
            return node
        node = values[0]
        seen += 1
    return node


def str_items(node: ast.expr | None) -> list[str] | None:
    """String items of a literal str/list/tuple/set, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        out = []
        for e in node.elts:
            if isinstance(e, ast.Constant) and isinstance(e.value, str):
                out.append(e.value)
        return out
    return None


def const_str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def is_false(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def is_true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def dict_get(node: ast.AST | None, key: str) -> ast.expr | None:
    if isinstance(node, ast.Dict):
        for k, v in zip(node.keys, node.values, strict=True):
            if const_str(k) == key:
                return v
    if isinstance(node, ast.Call) and (dotted(node.func) or "") == "dict":
        for kw in node.keywords:
            if kw.arg == key:
                return kw.value
    return None


def enclosing_defs(node: ast.AST, parent_of: dict[ast.AST, ast.AST]) -> Iterator[ast.AST]:
    cur = parent_of.get(node)
    while cur is not None:
        if isinstance(cur, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield cur
        cur = parent_of.get(cur)


def under_if_debug(node: ast.AST, parent_of: dict[ast.AST, ast.AST]) -> bool:
    """Inside `if DEBUG:` / `if settings.DEBUG:` / `if app.testing:` (development-only branches)."""
    cur, child = parent_of.get(node), node
    while cur is not None:
        if isinstance(cur, ast.If) and child in cur.body:
            src = ast.unparse(cur.test)
            if re.search(r"\b(DEBUG|debug|TESTING|testing|is_dev|IS_DEV|DEV|LOCAL|is_local)\b", src) and \
                    not isinstance(cur.test, ast.UnaryOp):
                return True
        child, cur = cur, parent_of.get(cur)
    return False


# --- Go -------------------------------------------------------------------------------------

def go_pkg_names(root: go.Node, *needles: str) -> set[str]:
    """Local names of imports whose path contains any of `needles`."""
    out = set()
    for name, path in go.imports(root).items():
        if any(n in path for n in needles):
            out.add(name)
            # `github.com/dgrijalva/jwt-go` declares `package jwt`: the unaliased local name drops the -go
            if name.endswith("-go"):
                out.add(name[:-3])
    return out


def go_str(node: go.Node | None) -> str | None:
    return go.string_value(node) if node is not None else None


def go_func_params_text(fn: go.Node) -> str:
    params = fn.child_by_field_name("parameters")
    return go.text(params)


def go_enclosing_func(node: go.Node) -> go.Node | None:
    for a in go.ancestors(node):
        if a.type in ("function_declaration", "method_declaration", "func_literal"):
            return a
    return None


GO_HANDLER_PARAMS = re.compile(
    r"http\.ResponseWriter|\*gin\.Context|echo\.Context|\*fiber\.Ctx|\*http\.Request|context\.Context")


def go_top_funcs(root: go.Node) -> dict[str, go.Node]:
    """Function and method declarations by name."""
    out: dict[str, go.Node] = {}
    for n in go.walk(root, "function_declaration", "method_declaration"):
        out.setdefault(go.func_name(n), n)
    return out


def go_returns_true_only(body: go.Node | None) -> bool:
    """A function body that is just `return true` (comments allowed)."""
    if body is None:
        return False
    stmts = [c for c in body.named_children if c.type != "comment"]
    if len(stmts) == 1 and stmts[0].type == "statement_list":
        stmts = [c for c in stmts[0].named_children if c.type != "comment"]
    return len(stmts) == 1 and stmts[0].type == "return_statement" and \
        re.fullmatch(r"return\s+true", go.text(stmts[0]).strip()) is not None


# --- JavaScript / TypeScript text ------------------------------------------------------------

def strip_js_comments(text: str) -> str:
    """Blank out // and /* */ comments, keeping offsets and newlines (strings are respected)."""
    out = list(text)
    i, n = 0, len(text)
    quote: str | None = None
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
            elif ch == "\n" and quote != "`":
                quote = None
            i += 1
            continue
        if ch in "'\"`":
            quote = ch
            i += 1
            continue
        if ch == "/" and i + 1 < n and text[i + 1] == "/":
            j = text.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                out[k] = " "
            i = j
            continue
        if ch == "/" and i + 1 < n and text[i + 1] == "*":
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
            continue
        i += 1
    return "".join(out)


def strip_hash_comments(text: str) -> str:
    """Blank out full-line `#` comments (YAML, env, shell-like files)."""
    return re.sub(r"(?m)^([ \t]*)(#.*)$", lambda m: m.group(1) + " " * len(m.group(2)), text)


def unquoted_chars(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, str, int]]:
    """(index, character, bracket depth before it) for each character of `text[start:end]` outside
    quoted strings ('...', "...", `...`, with backslash escapes): the one scanner behind the bracket
    and expression helpers of the JS/Go/text rules."""
    end = len(text) if end is None else end
    depth = 0
    quote: str | None = None
    i = start
    while i < end:
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
        else:
            yield i, ch, depth
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
        i += 1


def balanced_call_args(text: str, open_paren: int, limit: int = 2000) -> str:
    """Text between `(` at `open_paren` and its matching `)` (quotes respected), bounded by `limit`."""
    end = min(len(text), open_paren + limit)
    for i, ch, depth in unquoted_chars(text, open_paren, end):
        if ch in ")]}" and depth == 1:
            return text[open_paren + 1:i]
    return text[open_paren + 1:end]


def go_keyed(node: go.Node) -> tuple[str, go.Node] | None:
    """(field name, value node) of a keyed_element, unwrapping tree-sitter's literal_element wrappers."""
    kids = [c for c in node.named_children if c.type != "comment"]
    if len(kids) < 2:
        return None
    key, value = kids[0], kids[-1]
    if key.type == "literal_element" and key.named_children:
        key = key.named_children[0]
    if value.type == "literal_element" and value.named_children:
        value = value.named_children[0]
    return go.text(key).strip(), value


def is_vendored_js(path: str) -> bool:
    """Minified bundles and vendored third-party code (not the project's own source)."""
    lower = path.lower()
    return ".min." in lower or "/vendor/" in f"/{lower}" or "node_modules/" in lower or "/dist/" in f"/{lower}" \
        or lower.endswith((".bundle.js", "-bundle.js"))


_CONDITIONAL_WILDCARD = re.compile(r"(?i)all|wildcard|any|public|\"\*\"|'\*'")


def py_under_wildcard_condition(node: ast.AST, parent_of: dict[ast.AST, ast.AST]) -> bool:
    """Inside `if allow_all_origins:`-style branches (a library applying a configured wildcard)."""
    cur = parent_of.get(node)
    while cur is not None and not isinstance(cur, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        if isinstance(cur, ast.If) and _CONDITIONAL_WILDCARD.search(ast.unparse(cur.test)):
            return True
        cur = parent_of.get(cur)
    return False


def go_under_wildcard_condition(node: go.Node) -> bool:
    for a in go.ancestors(node):
        if a.type in ("function_declaration", "method_declaration", "func_literal"):
            return False
        if a.type == "if_statement":
            cond = a.child_by_field_name("condition")
            if cond is not None and _CONDITIONAL_WILDCARD.search(go.text(cond)):
                return True
    return False
