"""auth.hardcoded-identity: a literal user/tenant standing in for authentication, or an auth-bypass flag."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang as go
from checks.lang.python import dotted
from checks.registry import Context, Example, rule
from checks.security import _web
from checks.source import SourceFile

_BYPASS_ON = re.compile(
    r"^(dev|debug|fake|mock|temp|tmp)?(skip|disable|disabled|bypass|no|ignore|without)(the)?"
    r"(auth|authn|authz|authentication|authorization|authorisation|login|jwt|jwtcheck|tokencheck|"
    r"tokenvalidation|tokenverification|authcheck|authchecks|permissions|permissioncheck)$|"
    r"^(dev|debug|fake|mock)?(auth|authn|authentication|authorization|login|jwt)(disabled|bypass|bypassed|"
    r"skip|skipped|off)$")
_BYPASS_OFF = re.compile(r"^(auth|authn|authentication|authorization|login|jwt|jwtauth)(enabled|required|"
                         r"enforced|check|checks)$")
_IDENTITY = re.compile(
    r"^(current|authenticated|auth|logged|loggedin|request|req|default|fake|dummy|hardcoded|test)?"
    r"(user|tenant|org|organization|organisation|account|owner|customer|actor|member|principal|workspace|"
    r"team|company)(id|uuid|key)$|^uid$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_AUTH_FUNC = re.compile(r"current_?user|current_?tenant|current_?account|current_?principal|authenticate|"
                        r"get_?user_?id|get_?tenant_?id|whoami|get_?identity|get_?principal|auth_?user|"
                        r"require_?user|get_?user_?from|user_?from_?(request|token)", re.I)
_USER_CLASS = re.compile(r"(User|Tenant|Account|Principal|Identity|Member|Claims|Org|Organization|Customer)\w*$")
_REQUEST_TARGET = re.compile(r"^(request|req|g|flask\.g|request\.state|req\.state|scope|ctx|context)\.(user|"
                             r"current_user|tenant|principal|identity|account)$")
_CURRENT_NAMES = {"current_user", "current_tenant", "current_account", "current_principal", "authenticated_user"}


def _norm(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def _literal_id(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value > 0
    if isinstance(value, str):
        return bool(_UUID.match(value)) or (value.isdigit() and value.strip("0") != "")
    return False


@rule(
    "auth.hardcoded-identity",
    severity="CRITICAL",
    area="security",
    title="Hard-coded user/tenant identity or auth bypass",
    why="A literal user or tenant id used in place of the authenticated identity (or a flag that skips "
        "authentication) gives every caller the same account, so anyone can read and change that user's data.",
    fix="Derive the user and tenant from the verified credential (session, JWT claims, API key lookup) in an "
        "auth dependency/middleware, and remove bypass flags from production code (gate local shortcuts on a "
        "test-only setting that cannot ship).",
    kinds={"python", "go", "js", "env", "yaml"},
    example=Example(
        path="app/api/orders.py",
        bad='from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/orders")\n'
            'async def list_orders():\n    user_id = "11111111-1111-1111-1111-111111111111"  # TODO auth\n'
            '    return await repo.orders_for(user_id)\n',
        good='from fastapi import APIRouter, Depends\n\nrouter = APIRouter()\n\n\n@router.get("/orders")\n'
             'async def list_orders(user=Depends(current_user)):\n    return await repo.orders_for(user.id)\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if _web.is_non_prod_path(f.path):
        return
    if "python" in f.kinds:
        yield from _python(f)
    elif "go" in f.kinds:
        yield from _golang(f)
    elif "js" in f.kinds:
        yield from _javascript(f)
    elif "env" in f.kinds or "yaml" in f.kinds:
        yield from _config(f)


def _flag(name: str, value: object) -> str | None:
    n = _norm(name.rsplit(".", 1)[-1])
    on = value is True or (isinstance(value, str) and value.lower() in ("true", "1", "yes", "on"))
    off = value is False or (isinstance(value, str) and value.lower() in ("false", "0", "no", "off"))
    if on and _BYPASS_ON.match(n):
        return f"`{name}` is switched on, which bypasses authentication"
    if off and _BYPASS_OFF.match(n):
        return f"`{name}` is switched off, which disables authentication"
    return None


# --- Python ---------------------------------------------------------------------------------

def _python(f: SourceFile) -> Iterator[Hit]:
    parent_of = f.python_parents
    dev = _web.is_dev_settings(f.path)
    for node in f.python_of(ast.Assign, ast.AnnAssign, ast.Return):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            if value is None:
                continue
            for t in targets:
                yield from _py_assign(f, node, t, value, parent_of, dev)
        elif isinstance(node, ast.Return) and node.value is not None:
            fn = next((d for d in _web.enclosing_defs(node, parent_of)
                       if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
            if fn is not None and _AUTH_FUNC.search(fn.name) and _literal_identity_obj(node.value):
                yield Hit(node.lineno, message=f"`{fn.name}` returns a hard-coded identity instead of the "
                                               "authenticated user")
            elif fn is not None and _AUTH_FUNC.search(fn.name) and re.search(r"id", fn.name, re.I) and \
                    isinstance(node.value, ast.Constant) and _literal_id(node.value.value):
                yield Hit(node.lineno, message=f"`{fn.name}` returns the literal id {node.value.value!r}")


def _py_assign(f: SourceFile, node: ast.stmt, target: ast.expr, value: ast.expr,
               parent_of: dict[ast.AST, ast.AST], dev: bool) -> Iterator[Hit]:
    if isinstance(target, ast.Subscript):
        key = _web.const_str(target.slice)
        base = dotted(target.value) or ""
        if key and base.endswith("environ") and isinstance(value, ast.Constant):
            msg = _flag(key, value.value)
            if msg and not dev:
                yield Hit(node.lineno, message=msg)
        return
    name = dotted(target)
    if name is None:
        return
    if isinstance(value, ast.Constant) and (isinstance(target, ast.Name) or short_upper(name)):
        msg = _flag(name, value.value)
        if msg:
            if not dev and not _web.under_if_debug(node, parent_of):
                yield Hit(node.lineno, message=msg)
            return
    fn = next((d for d in _web.enclosing_defs(node, parent_of)
               if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
    short = name.rsplit(".", 1)[-1]
    request_scoped = "." in name and name.split(".")[0] in ("request", "req", "g", "scope", "ctx", "context")
    # user_id = "1111..." inside a request handler / auth function, never reassigned there
    if isinstance(value, ast.Constant) and _literal_id(value.value) and _IDENTITY.match(_norm(short)):
        if request_scoped or (fn is not None and (_web.is_py_handler(fn, parent_of) or _AUTH_FUNC.search(fn.name))
                              and _assigned_once(fn, name)):
            yield Hit(node.lineno, message=f"`{name}` is set to the literal {value.value!r} instead of the "
                                           "authenticated identity")
        return
    # current_user = User(id=1)
    if _literal_identity_obj(value):
        if name in _CURRENT_NAMES or _REQUEST_TARGET.match(name) or \
                (fn is not None and (_web.is_py_handler(fn, parent_of) or _AUTH_FUNC.search(fn.name))
                 and short in ("user", "tenant", "principal", "identity", "account", "me", "claims")
                 and _assigned_once(fn, name)):
            yield Hit(node.lineno, message=f"`{name}` is a hard-coded identity instead of the authenticated user")


def short_upper(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last.isupper()


def _literal_identity_obj(value: ast.expr) -> bool:
    """`User(id=1, ...)` / `{"sub": "123", ...}` with a literal id."""
    if isinstance(value, ast.Call):
        cname = (dotted(value.func) or "").rsplit(".", 1)[-1]
        if not _USER_CLASS.search(cname) or not cname[:1].isupper():
            return False
        for kw in value.keywords:
            if kw.arg and _norm(kw.arg) in ("id", "userid", "tenantid", "sub", "uid", "accountid", "orgid") \
                    and isinstance(kw.value, ast.Constant) and _literal_id(kw.value.value):
                return True
        return False
    if isinstance(value, ast.Dict):
        keys = {_web.const_str(k): v for k, v in zip(value.keys, value.values, strict=True) if k is not None}
        for k in ("sub", "user_id", "userId", "tenant_id", "uid", "id"):
            v = keys.get(k)
            if isinstance(v, ast.Constant) and _literal_id(v.value):
                return True
    return False


def _assigned_once(fn: ast.AST, name: str) -> bool:
    count = 0
    for node in ast.walk(fn):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith)):
            targets = [node.target] if isinstance(node, (ast.For, ast.AsyncFor)) else \
                [i.optional_vars for i in node.items if i.optional_vars is not None]
        for t in targets:
            for sub in ast.walk(t):
                if dotted(sub) == name:
                    count += 1
    params = set(_web.py_param_names(fn)) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) else set()
    return count <= 1 and name not in params


# --- Go -------------------------------------------------------------------------------------

_GO_HTTP_PARAMS = re.compile(r"http\.ResponseWriter|\*gin\.Context|echo\.Context|\*fiber\.Ctx|\*http\.Request")


def _go_literal(node: go.Node) -> object:
    if node.type in ("interpreted_string_literal", "raw_string_literal"):
        return go.string_value(node)
    if node.type == "int_literal":
        try:
            return int(go.text(node).replace("_", ""), 0)
        except ValueError:
            return None
    if node.type in ("true", "false"):
        return node.type == "true"
    return None


def _golang(f: SourceFile) -> Iterator[Hit]:
    root = f.go
    dev = _web.is_dev_settings(f.path)
    for node in go.walk(root, "short_var_declaration", "assignment_statement", "var_spec", "const_spec",
                        "call_expression"):
        if node.type == "call_expression":
            yield from _go_ctx_set(node)
            continue
        if node.type in ("var_spec", "const_spec"):
            names = [go.text(n) for n in node.children_by_field_name("name")]
            value_node = node.child_by_field_name("value")
        else:
            left, value_node = node.child_by_field_name("left"), node.child_by_field_name("right")
            names = [go.text(n) for n in left.named_children] if left is not None else []
        values = [c for c in value_node.named_children] if value_node is not None else []
        if len(values) != len(names) or not names:
            continue
        for name, vnode in zip(names, values, strict=True):
            val = _go_literal(vnode)
            if val is None:
                continue
            msg = _flag(name, val)
            if msg:
                if not dev:
                    yield Hit(go.line(node), message=msg)
                continue
            short = name.rsplit(".", 1)[-1]
            if not (_literal_id(val) and _IDENTITY.match(_norm(short))):
                continue
            fn = _web.go_enclosing_func(node)
            if fn is None or not _GO_HTTP_PARAMS.search(_web.go_func_params_text(fn)):
                continue
            if _go_assign_count(fn, name) <= 1:
                yield Hit(go.line(node), message=f"`{name}` is set to the literal {val!r} in a request handler "
                                                 "instead of the authenticated identity")


def _go_assign_count(fn: go.Node, name: str) -> int:
    n = 0
    for node in go.walk(fn, "short_var_declaration", "assignment_statement", "var_spec"):
        left = node.child_by_field_name("left")
        names = [go.text(c) for c in left.named_children] if left is not None else \
            [go.text(c) for c in node.children_by_field_name("name")]
        n += names.count(name)
    return n


def _go_ctx_set(call: go.Node) -> Iterator[Hit]:
    """`c.Set("userID", "1111...")` / `context.WithValue(ctx, userIDKey, "1111...")` in handlers."""
    fn_text = go.call_name(call)
    args = go.call_args(call)
    if fn_text.endswith(".Set") and len(args) == 2:
        key, val = go.string_value(args[0]), _go_literal(args[1])
    elif fn_text.endswith("WithValue") and len(args) == 3:
        key, val = go.text(args[1]).rsplit(".", 1)[-1], _go_literal(args[2])
        key = go.string_value(args[1]) or key
    else:
        return
    k = re.sub(r"(ctx|context)?key$", "", _norm(key or ""))
    if k and _literal_id(val) and (_IDENTITY.match(k) or _IDENTITY.match(k + "id")):
        fn = _web.go_enclosing_func(call)
        if fn is not None and _GO_HTTP_PARAMS.search(_web.go_func_params_text(fn)):
            yield Hit(go.line(call), message=f"The request context gets the literal identity {val!r} for "
                                             f"`{key}` instead of the authenticated one")


# --- JavaScript / TypeScript ---------------------------------------------------------------

_JS_FLAG = re.compile(r"\b(?:const|let|var|export\s+const)?\s*([A-Za-z_$][\w$]*)\s*(?::\s*boolean\s*)?=\s*"
                      r"(true|false)\b")


def _javascript(f: SourceFile) -> Iterator[Hit]:
    if not re.search(r"(?i)auth|login|jwt", f.text) or _web.is_vendored_js(f.path):
        return
    text = _web.strip_js_comments(f.text)
    for m in _JS_FLAG.finditer(text):
        msg = _flag(m.group(1), m.group(2) == "true")
        if msg and not _web.is_dev_settings(f.path):
            yield Hit(f.line_at(m.start(1)), message=msg)


# --- deploy config: .env files, k8s/compose environment, config YAML ------------------------

_CONFIG_DEV = re.compile(r"(?i)(^|[/._-])(dev|devel|development|local|test|tests|testing|example|examples|sample|"
                         r"template|tmpl|ci|e2e)([/._-]|$)")
_ENV_FLAG_LINE = re.compile(r"""^\s*(?:export\s+|-\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*[=:]\s*["']?(\w+)["']?"""
                            r"""\s*(?:#.*)?$""")


def _config(f: SourceFile) -> Iterator[Hit]:
    """`SKIP_AUTH=true` / `DISABLE_AUTH: "true"` / `- name: AUTH_DISABLED` + `value: "1"` in deploy config."""
    if _CONFIG_DEV.search(f.path) or "gha" in f.kinds or "gitlab-ci" in f.kinds:
        return
    if "compose" in f.kinds and "prod" not in f.name.lower():
        return  # compose files mostly describe local development stacks
    if not re.search(r"(?i)auth|login|jwt", f.text):
        return
    if "yaml" in f.kinds:
        try:
            docs = f.yaml_docs
        except Exception:  # Helm templates and other non-YAML: fall back to the line forms
            docs = None
        if docs is not None:
            for doc in docs:
                yield from _walk_config(doc)
            return
    for number, line in enumerate(f.lines, start=1):
        m = _ENV_FLAG_LINE.match(line)
        if m and _upper_flag(m.group(1)):
            msg = _flag(m.group(1), m.group(2))
            if msg:
                yield Hit(number, message=msg)


def _upper_flag(name: str) -> bool:
    """Environment-style names only (`SKIP_AUTH`), not tool settings such as Loki's `auth_enabled: false`."""
    return name.isupper()


def _walk_config(node: object) -> Iterator[Hit]:
    from checks.lang.yamlast import YList, YMap

    if isinstance(node, YMap):
        name = node.get("name")
        if isinstance(name, str) and "value" in node and _upper_flag(name):
            value = node.get("value")
            msg = _flag(name, value if isinstance(value, (bool, str)) else str(value))
            if msg:
                yield Hit(node.line_of("value"), message=msg)
        for key, value in node.items():
            msg = _flag(key, value if isinstance(value, (bool, str)) else str(value)) \
                if isinstance(key, str) and _upper_flag(key) and isinstance(value, (bool, str, int)) else None
            if msg:
                yield Hit(node.line_of(key), message=msg)
            else:
                yield from _walk_config(value)
    elif isinstance(node, YList):
        for i, item in enumerate(node):
            if isinstance(item, str) and "=" in item:
                key, _, value = item.partition("=")
                if _upper_flag(key.strip()):
                    msg = _flag(key.strip(), value.strip().strip("'\""))
                    if msg:
                        yield Hit(node.item_lines[i], message=msg)
            else:
                yield from _walk_config(item)
