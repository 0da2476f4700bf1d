"""Shared helpers for the network/exec security rules: scopes, constants, tainted sources, validators."""
from __future__ import annotations

import ast
import re

from checks.lang import golang as go
from checks.lang.pyflow import Flow
from checks.lang.python import dotted, qualname

# --- Python: scopes (the shared value flow lives in checks/lang/pyflow.py) ---------------------

Scopes = Flow  # the name the network rules have always used


# --- Python: where a value comes from ---------------------------------------------------------

_REQUEST_ATTRS = {
    "args", "form", "values", "json", "get_json", "data", "files", "headers", "cookies",
    "query_params", "path_params", "GET", "POST", "body", "query", "match_info", "rel_url",
}
_URLISH_NAME = re.compile(
    r"(?i)^(user|callback|webhook|target|remote|redirect|client|external|customer|tenant|notify|"
    r"notification|destination|dest|upstream|hook|image|avatar|feed|proxy)_?(url|uri|endpoint|link|host)s?$"
)
_ROUTE_PARAM = re.compile(r"(?i)(url|uri|endpoint|link|target|callback|webhook|host)s?$")
_ROUTE_DECORATOR = re.compile(r"(^|\.)(get|post|put|patch|delete|route|api_route|websocket|api_view|action)$")


def is_route_handler(func: ast.AST) -> bool:
    """A function decorated as a web route (`@app.get(...)`, `@router.post`, `@bp.route`, `@api_view`)."""
    for dec in getattr(func, "decorator_list", []):
        target = dec.func if isinstance(dec, ast.Call) else dec
        name = dotted(target) or ""
        if _ROUTE_DECORATOR.search(name) and ("." in name or name in ("api_view", "route")):
            return True
    return False


_WEBHOOK_ATTR = re.compile(r"(?i)^_*(webhook|callback|notify|notification)_?(url|uri|endpoint)s?$")
_SETTINGS_HEADS = {"settings", "config", "conf", "cfg", "CONFIG", "SETTINGS", "app_config", "configuration"}
_CONFIG_KEY = re.compile(r"(?i)(url|uri|endpoint|host|base|webhook|callback|server|api|address|addr)")


def _env_call(node: ast.AST, imports: dict[str, str]) -> bool:
    if isinstance(node, ast.Call):
        name = qualname(node.func, imports) or ""
        if name in ("os.getenv", "os.environ.get", "environ.get", "os.environ.setdefault"):
            return True
        # django-environ / python-decouple / environs: env("X"), env.str("X"), config("X")
        if name in ("env", "env.str", "env.url", "decouple.config", "config") and node.args and \
                isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str) and \
                _CONFIG_KEY.search(node.args[0].value):
            return True
    if isinstance(node, ast.Subscript):
        name = qualname(node.value, imports) or ""
        if name in ("os.environ", "environ"):
            return True
    return False


def describe_source(node: ast.AST | None, imports: dict[str, str], scopes: Scopes,
                    depth: int = 0) -> str | None:
    """A short description when `node` derives from settings, the environment or the request."""
    if node is None or depth > 5:
        return None
    if _env_call(node, imports):
        return "an environment variable"
    if isinstance(node, (ast.Attribute, ast.Subscript)):
        name = dotted(node.value if isinstance(node, ast.Subscript) else node) or ""
        parts = name.split(".")
        # request.args.get(...) / request.json["url"] / request.GET["u"]
        if "request" in parts[:2] or parts[0] in ("req", "flask_request"):
            idx = parts.index("request") if "request" in parts else 0
            if len(parts) > idx + 1 and parts[idx + 1].rstrip("()") in _REQUEST_ATTRS:
                return "the incoming request"
            if isinstance(node, ast.Subscript) and len(parts) > idx + 1:
                return "the incoming request"
        if isinstance(node, ast.Attribute) and _WEBHOOK_ATTR.search(node.attr):
            return f"the configurable `{name}`"
        if isinstance(node, ast.Attribute):
            heads = set(parts[:-1])
            if (heads & _SETTINGS_HEADS or any(p.endswith(("settings", "config", "_cfg", "_conf")) for p in parts[:-1])) \
                    and _CONFIG_KEY.search(parts[-1]):
                return f"configuration (`{name}`)"
        if isinstance(node, ast.Subscript):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and _CONFIG_KEY.search(key.value):
                last = parts[-1]
                if last in ("config", "settings", "CONFIG", "SETTINGS") or last.endswith(("config", "settings")):
                    return f"configuration (`{name}[{key.value!r}]`)"
    if isinstance(node, ast.Call):
        func = node.func
        # request.args.get("url"), request.json.get("url"), settings.get("WEBHOOK_URL")
        if isinstance(func, ast.Attribute) and func.attr in ("get", "getlist", "get_json", "__getitem__"):
            inner = describe_source(func.value, imports, scopes, depth + 1) if func.attr != "get_json" else None
            if inner:
                return inner
            base = dotted(func.value) or ""
            bparts = base.split(".")
            if "request" in bparts[:2] and func.attr == "get_json":
                return "the incoming request"
            if "request" in bparts[:2] and len(bparts) > 1 and bparts[-1] in _REQUEST_ATTRS:
                return "the incoming request"
            if bparts[-1] in ("config", "settings", "CONFIG", "SETTINGS") and node.args and \
                    isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str) and \
                    _CONFIG_KEY.search(node.args[0].value):
                return f"configuration (`{base}.get({node.args[0].value!r})`)"
        if isinstance(func, ast.Attribute) and func.attr in ("format", "join", "rstrip", "strip", "lstrip",
                                                              "replace", "lower"):
            for part in (func.value, *node.args, *(k.value for k in node.keywords)):
                found = describe_source(part, imports, scopes, depth + 1)
                if found:
                    return found
        if isinstance(func, ast.Name) and func.id in ("str", "urljoin") or \
                (qualname(func, imports) or "") in ("urllib.parse.urljoin", "posixpath.join"):
            for part in node.args:
                found = describe_source(part, imports, scopes, depth + 1)
                if found:
                    return found
        return None
    if isinstance(node, ast.JoinedStr):
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                found = describe_source(v.value, imports, scopes, depth + 1)
                if found:
                    return found
        return None
    if isinstance(node, ast.BinOp):
        return describe_source(node.left, imports, scopes, depth + 1) or (
            describe_source(node.right, imports, scopes, depth + 1) if isinstance(node.op, ast.Mod) else None)
    if isinstance(node, ast.BoolOp):
        for v in node.values:
            found = describe_source(v, imports, scopes, depth + 1)
            if found:
                return found
        return None
    if isinstance(node, ast.Name):
        if _URLISH_NAME.match(node.id):
            return f"the caller-supplied `{node.id}`"
        func = scopes.function_of(node)
        if func is not None and node.id in scopes.params(func) and _ROUTE_PARAM.search(node.id) and \
                is_route_handler(func):
            return f"the request parameter `{node.id}`"
        values = scopes.values_of(node.id, node)
        for v in values or ():
            found = describe_source(v, imports, scopes, depth + 1)
            if found:
                return found
    return None


_PY_VALIDATOR = re.compile(
    r"(?i)(valid|verif|allow|safe|check|sanitiz|restrict|whitelist|permit)\w*(url|uri|endpoint|host|domain|"
    r"target|webhook|addr|destination|scheme)|(url|uri|endpoint|host|domain|webhook|scheme)\w*"
    r"(valid|verif|allow|safe|check|sanitiz|permit)|^is_safe_url$|url_has_allowed_host_and_scheme|"
    r"^validate$|^validators\.url$|^ssrf"
)


def python_has_url_validation(tree: ast.Module, imports: dict[str, str],
                              nodes: "list[ast.AST] | None" = None) -> bool:
    """True when the module calls a URL/host validator or compares a parsed URL's scheme/host.

    `nodes`: the file's shared walk (`f.python_of(ast.Call, ast.Compare, ast.FunctionDef)`)."""
    for node in (ast.walk(tree) if nodes is None else nodes):
        if isinstance(node, ast.Call):
            name = qualname(node.func, imports) or ""
            if _PY_VALIDATOR.search(name.rsplit(".", 1)[-1]) or name == "validators.url":
                return True
        elif isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                if isinstance(side, ast.Attribute) and side.attr in ("scheme", "hostname", "netloc", "host"):
                    return True
        elif isinstance(node, ast.FunctionDef) and _PY_VALIDATOR.search(node.name):
            return True
    return False


# --- Go helpers ------------------------------------------------------------------------------

def go_local_name(root, path: str) -> str | None:
    """The local name under which `path` is imported in this Go file."""
    for name, p in go.imports(root).items():
        if p == path:
            return name
    return None


def go_consts(root) -> set[str]:
    """Identifiers declared with `const` anywhere in the file."""
    out: set[str] = set()
    for spec in go.walk(root, "const_spec"):
        for child in spec.children_by_field_name("name"):
            out.add(go.text(child))
    return out


def go_enclosing_func(node):
    for anc in go.ancestors(node):
        if anc.type in ("function_declaration", "method_declaration", "func_literal"):
            return anc
    return None


def go_literal_vars(func) -> dict[str, bool]:
    """Local variable -> True when every assignment to it in `func` is a string literal."""
    out: dict[str, bool] = {}
    if func is None:
        return out
    for node in go.walk(func, "short_var_declaration", "assignment_statement", "var_spec"):
        if node.type == "var_spec":
            names = [go.text(n) for n in node.children_by_field_name("name")]
            value = node.child_by_field_name("value")
            vals = [c for c in value.named_children] if value is not None else []
        else:
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            names = [go.text(n) for n in left.named_children] if left is not None else []
            vals = list(right.named_children) if right is not None else []
        for i, name in enumerate(names):
            lit = i < len(vals) and len(vals) == len(names) and _go_is_literal(vals[i])
            out[name] = out.get(name, True) and lit
    return out


def _go_is_literal(node) -> bool:
    if node.type in ("interpreted_string_literal", "raw_string_literal", "int_literal"):
        return True
    if node.type == "binary_expression":
        return all(_go_is_literal(c) for c in (node.child_by_field_name("left"), node.child_by_field_name("right")))
    if node.type == "parenthesized_expression":
        return all(_go_is_literal(c) for c in node.named_children)
    return False


def go_is_constant(node, consts: set[str], literal_vars: dict[str, bool]) -> bool:
    if node.type in ("interpreted_string_literal", "raw_string_literal", "int_literal"):
        return True
    if node.type == "binary_expression":
        return go_is_constant(node.child_by_field_name("left"), consts, literal_vars) and go_is_constant(
            node.child_by_field_name("right"), consts, literal_vars)
    if node.type == "parenthesized_expression":
        return all(go_is_constant(c, consts, literal_vars) for c in node.named_children)
    if node.type == "identifier":
        name = go.text(node)
        return name in consts or literal_vars.get(name, False)
    return False


def same_package_go(f, ctx) -> list:
    """Other Go files in the same directory as `f` (when the engine gave us the repository)."""
    return ctx.repo.siblings(f.path, "go") if ctx.repo is not None else []


def strip_go_comments(text: str) -> str:
    return re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S)
