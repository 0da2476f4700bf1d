"""cors.wildcard: CORS configured to accept any origin."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.lang import golang as go
from checks.lang.python import call_name, has_star_kwargs, kwarg
from checks.model import Hit, Severity
from checks.registry import Context, Example, rule
from checks.security import _web
from checks.source import ParseError, SourceFile

_ACAO = "access-control-allow-origin"
_WILD_REGEX = {".*", ".+", "^.*$", "^.+$", "*", "(.*)"}
_PUBLIC_HINT = re.compile(r"\bpublic\b", re.IGNORECASE)
_ANN_ORIGIN = "nginx.ingress.kubernetes.io/cors-allow-origin"
_ANN_ENABLE = "nginx.ingress.kubernetes.io/enable-cors"


def _has_star(items: list[str] | None) -> bool:
    return bool(items) and any(i.strip() == "*" for i in items or [])


def _env_star(node: ast.AST | None) -> bool:
    """`os.getenv("CORS_ORIGINS", "*")` (optionally `.split(",")`): a wildcard unless someone sets the variable."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split":
        node = node.func.value
    if not isinstance(node, ast.Call):
        return False
    fname = ast.unparse(node.func)
    if not re.search(r"(^|\.)(getenv|environ\.get|env|config)$", fname) or not node.args:
        return False
    default = node.args[1] if len(node.args) > 1 else kwarg(node, "default")
    return _web.const_str(default) == "*" or _has_star(_web.str_items(default))


@rule(
    "cors.wildcard",
    severity="HIGH",
    area="security",
    title="CORS allows any origin",
    why="A wildcard CORS policy lets any website call the API from a visitor's browser and read the "
        "responses, which exposes user data and makes cross-site attacks on authenticated endpoints easy.",
    fix="List the exact front-end origins that may call the API (e.g. `allow_origins=[\"https://app.example.com\"]`, "
        "read from config), and keep `*` only for genuinely public, credential-free endpoints.",
    kinds={"python", "go", "js", "yaml", "nginx"},
    example=Example(
        path="app/main.py",
        bad='from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n'
            'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n',
        good='from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n'
             'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], '
             'allow_credentials=True)\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "python" in f.kinds:
        yield from _python(f)
    elif "go" in f.kinds:
        yield from _golang(f)
    elif "js" in f.kinds:
        yield from _javascript(f)
    elif "yaml" in f.kinds:
        yield from _yaml(f)
        yield from _nginx(f)  # add_header inside an ingress configuration-snippet
    elif "nginx" in f.kinds:
        yield from _nginx(f)


_NGINX_ACAO = re.compile(r"""^\s*(?:[\w./-]+\s*:\s*[|>]?-?\s*)?(?:more_set_headers\s+["']|add_header\s+)["']?"""
                         r"""Access-Control-Allow-Origin["']?\s*:?\s*["']?\*["']?(?:\s+always)?\s*["']?;""", re.IGNORECASE)


def _nginx(f: SourceFile) -> Iterator[Hit]:
    """nginx `add_header Access-Control-Allow-Origin *;` (also inside ingress configuration snippets)."""
    if "access-control-allow-origin" not in f.text.lower():
        return
    for n, line in enumerate(f.lines, start=1):
        if _NGINX_ACAO.match(line):
            yield Hit(n, message="nginx sets `Access-Control-Allow-Origin: *`, so any website may call this API")


_CREDENTIALS_ON = re.compile(r"""(?i)Access-Control-Allow-Credentials["']?\s*[,:=]\s*["']?true""")
_TOKEN_HEADERS = re.compile(r"""(?i)Access-Control-Allow-Headers["']?\s*[,:=]\s*["'][^"'\n]*"""
                            r"""(Authorization|[\w-]*Token|X-Api-Key)""")


def _header_hit(f: SourceFile, line: int) -> Hit:
    """`Access-Control-Allow-Origin: *` set by hand. Browsers send no cookies with `*`; when the API
    authenticates with a header (`Authorization`, `X-Auth-Token`) a foreign page does not have, the
    wildcard exposes only what is public anyway: MEDIUM."""
    message = "The response sets `Access-Control-Allow-Origin: *`"
    severity = _public(f, line, False)
    if severity is None and not _CREDENTIALS_ON.search(f.text) and _TOKEN_HEADERS.search(f.text):
        return Hit(line, message=message, severity=Severity.MEDIUM,
                   note="MEDIUM: no credentials are allowed and the API authenticates with a request header")
    return Hit(line, message=message, severity=severity)


def _public(f: SourceFile, line: int, credentials: bool) -> Severity | None:
    """MEDIUM for a wildcard on something a nearby comment declares public, with credentials off."""
    if not credentials and _PUBLIC_HINT.search(_web.comments_near(f.lines, line, before=3)):
        return Severity.parse("MEDIUM")
    return None


# --- Python ---------------------------------------------------------------------------------

def _python(f: SourceFile) -> Iterator[Hit]:
    if not re.search(r"(?i)cors|origin", f.text):
        return
    tree, imports = f.python, f.python_imports
    assigns = _web.module_assignments(tree, f.python_of(ast.Assign, ast.AnnAssign))
    parent_of = f.python_parents
    uses_flask_cors_config = "CORS_ORIGINS" in f.text
    for node in f.python_of(ast.Call, ast.Assign, ast.AnnAssign, ast.Dict):
        if isinstance(node, ast.Call):
            yield from _py_call(f, node, imports, assigns, uses_flask_cors_config)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                name = t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else None
                key = name or (_web.const_str(t.slice) if isinstance(t, ast.Subscript) else None)
                # Flask-CORS config (`CORS_ORIGINS = "*"`), Django regex allowlists matching everything
                if key in ("CORS_ORIGINS", "CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST") and \
                        (_has_star(_web.str_items(node.value)) or _env_star(node.value)) and \
                        not _web.is_dev_settings(f.path):
                    yield Hit(node.lineno, message=f"`{key}` allows `*`, so every origin may make cross-site "
                                                   "requests")
                if key in ("CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST") and \
                        any(i in _WILD_REGEX for i in _web.str_items(node.value) or []) and \
                        not _web.is_dev_settings(f.path):
                    yield Hit(node.lineno, message=f"`{key}` contains a pattern that matches every origin")
                if name in ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL") and _web.is_true(node.value):
                    if _web.is_dev_settings(f.path) or _web.under_if_debug(node, parent_of):
                        continue
                    yield Hit(node.lineno, message=f"`{name} = True` lets every origin make cross-site requests")
                # response.headers["Access-Control-Allow-Origin"] = "*"
                if isinstance(t, ast.Subscript) and (_web.const_str(t.slice) or "").lower() == _ACAO \
                        and _web.const_str(node.value) == "*" and not _web.py_under_wildcard_condition(node, parent_of):
                    yield _header_hit(f, node.lineno)
        elif isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values, strict=True):
                if (_web.const_str(k) or "").lower() == _ACAO and _web.const_str(v) == "*":
                    yield _header_hit(f, k.lineno)


def _py_call(f: SourceFile, call: ast.Call, imports: dict[str, str], assigns: dict, flask_cfg: bool
             ) -> Iterator[Hit]:
    name = call_name(call, imports)
    short = name.rsplit(".", 1)[-1]
    creds = _web.is_true(kwarg(call, "allow_credentials")) or _web.is_true(kwarg(call, "supports_credentials"))
    # Starlette / FastAPI / Litestar / Sanic-style keyword configuration.
    for key in ("allow_origins", "allowed_origins"):
        value = _web.resolve_py(kwarg(call, key), assigns)
        if _has_star(_web.str_items(value)) or _env_star(value):
            yield Hit(call.lineno, message=f"`{key}` contains `*`, so any website may call this API",
                      severity=_public(f, call.lineno, creds))
            return
    regex = _web.resolve_py(kwarg(call, "allow_origin_regex"), assigns)
    if _web.const_str(regex) in _WILD_REGEX:
        yield Hit(call.lineno, message=f"`allow_origin_regex={_web.const_str(regex)!r}` matches every origin")
        return
    # Flask-CORS: CORS(app) / CORS(app, origins="*") / CORS(app, resources={...: {"origins": "*"}})
    if name in ("flask_cors.CORS", "flask_cors.cross_origin", "flask_cors.extension.CORS"):
        if has_star_kwargs(call):
            return
        origins = kwarg(call, "origins")
        resources = kwarg(call, "resources")
        route_level = short == "cross_origin"
        if origins is not None:
            if _has_star(_web.str_items(_web.resolve_py(origins, assigns))) or \
                    _env_star(_web.resolve_py(origins, assigns)):
                sev = _public(f, call.lineno, creds) or (None if creds or not route_level
                                                         else Severity.parse("MEDIUM"))
                yield Hit(call.lineno, message=f"`{short}(origins=\"*\")` lets any website call these routes",
                          severity=sev)
            return
        if resources is not None:
            res = _web.resolve_py(resources, assigns)
            if isinstance(res, ast.Dict):
                for k, v in zip(res.keys, res.values, strict=True):
                    o = _web.dict_get(v, "origins")
                    if o is None and isinstance(v, ast.Dict) and not flask_cfg:
                        yield Hit(call.lineno, message="A Flask-CORS resource has no `origins`, so it "
                                                       "defaults to every origin")
                        return
                    if _has_star(_web.str_items(o)):
                        route = _web.const_str(k) or ""
                        sev = _public(f, call.lineno, creds) or (
                            Severity.parse("MEDIUM") if not creds and _PUBLIC_HINT.search(route) else None)
                        yield Hit(call.lineno, message="A Flask-CORS resource allows `origins: \"*\"`",
                                  severity=sev)
                        return
            return
        if flask_cfg:
            return
        if route_level:
            sev = None if creds else Severity.parse("MEDIUM")
            yield Hit(call.lineno, message="`cross_origin()` without `origins=` allows every origin on this route",
                      severity=sev)
        else:
            yield Hit(call.lineno, message="`CORS(...)` without `origins=` allows every origin (Flask-CORS "
                                           "defaults to `*`)")
        return
    # aiohttp_cors.setup(app, defaults={"*": ResourceOptions(...)})
    if name.startswith("aiohttp_cors.") and short == "setup" or short == "add" and "aiohttp_cors" in f.text:
        for arg in [*call.args, *(kw.value for kw in call.keywords)]:
            if isinstance(arg, ast.Dict) and any(_web.const_str(k) == "*" for k in arg.keys):
                yield Hit(arg.lineno, message="aiohttp-cors options are registered for origin `*`")
                return
    # Django-style header setting: response.headers.setdefault / __setitem__ via call
    if short in ("setdefault", "set", "add", "append", "add_header") and len(call.args) >= 2:
        if (_web.const_str(call.args[0]) or "").lower() == _ACAO and _web.const_str(call.args[1]) == "*":
            yield _header_hit(f, call.lineno)


# --- Go -------------------------------------------------------------------------------------

def _golang(f: SourceFile) -> Iterator[Hit]:
    if not re.search(r"(?i)cors|origin", f.text):
        return
    root = f.go
    cors_pkgs = _web.go_pkg_names(root, "rs/cors", "gin-contrib/cors", "fiber/v2/middleware/cors",
                                  "fiber/v3/middleware/cors", "go-chi/cors")
    echo_mw = _web.go_pkg_names(root, "labstack/echo")
    for node in go.walk(root, "keyed_element", "call_expression", "assignment_statement"):
        if node.type in ("keyed_element", "assignment_statement"):
            kv = _web.go_keyed(node) if node.type == "keyed_element" else _go_field_assign(node)
            if kv is None:
                continue
            key, value = kv
            vtext = go.text(value).strip()
            if key == "AllowAllOrigins" and vtext == "true":
                yield Hit(go.line(node), message="`AllowAllOrigins: true` lets every origin call this API")
            elif key in ("AllowOrigins", "AllowedOrigins", "AllowOrigin"):
                items = [go.string_value(s) for s in go.walk(value, "interpreted_string_literal",
                                                              "raw_string_literal")]
                if any(i is not None and (i.strip() == "*" or "*" in [p.strip() for p in i.split(",")])
                       for i in items):
                    yield Hit(go.line(node), message=f"`{key}` contains `*`, so any website may call this API",
                              severity=_public(f, go.line(node), False))
            elif key in ("AllowOriginFunc", "AllowOriginRequestFunc", "AllowOriginVaryRequestFunc") \
                    and value.type == "func_literal" and _web.go_returns_true_only(value.child_by_field_name("body")):
                yield Hit(go.line(node), message=f"`{key}` returns true for every origin")
            continue
        fn = go.call_name(node)
        args = go.call_args(node)
        pkg, _, method = fn.rpartition(".")
        if pkg in cors_pkgs and method in ("AllowAll", "Default") and not args:
            yield Hit(go.line(node), message=f"`{fn}()` allows every origin")
        elif pkg in cors_pkgs and method == "New" and not args and "fiber" in " ".join(go.imports(root).values()):
            yield Hit(go.line(node), message=f"`{fn}()` with no config allows every origin in Fiber")
        elif pkg in echo_mw or (pkg == "middleware" and echo_mw):
            if method == "CORS" and not args:
                yield Hit(go.line(node), message="Echo `middleware.CORS()` with no config allows every origin")
        elif method == "AllowedOrigins" and args:
            items = [go.string_value(s) for s in go.walk(args[0], "interpreted_string_literal")]
            if "*" in items:
                yield Hit(go.line(node), message="`handlers.AllowedOrigins` contains `*`")
        elif method in ("Set", "Add", "Header", "SetHeader", "Set") and len(args) >= 2:
            if (go_str := go.string_value(args[0])) and go_str.lower() == _ACAO and go.string_value(args[1]) == "*" \
                    and not _web.go_under_wildcard_condition(node):
                yield _header_hit(f, go.line(node))


def _go_field_assign(node: go.Node) -> tuple[str, go.Node] | None:
    """(field, value) of `config.AllowAllOrigins = true` (a single selector target), else None."""
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None or left.named_child_count != 1 or right.named_child_count != 1:
        return None
    target = left.named_children[0]
    if target.type != "selector_expression":
        return None
    field = target.child_by_field_name("field")
    return (go.text(field), right.named_children[0]) if field is not None else None


# --- JavaScript / TypeScript ---------------------------------------------------------------

_JS_HEADER = re.compile(
    r"""(?:setHeader|header|set|append)\(\s*['"]access-control-allow-origin['"]\s*,\s*['"]\*['"]""", re.IGNORECASE)
_JS_ORIGIN_STAR = re.compile(r"""\bcors\s*\(\s*\{[^)]*?\borigin\s*:\s*(?:['"]\*['"]|true\b)""", re.DOTALL)
_JS_HEADER_OBJ = re.compile(r"""['"]access-control-allow-origin['"]\s*:\s*['"]\*['"]""", re.IGNORECASE)


def _javascript(f: SourceFile) -> Iterator[Hit]:
    if not re.search(r"(?i)cors|access-control", f.text) or _web.is_vendored_js(f.path):
        return
    text = _web.strip_js_comments(f.text)
    seen: set[int] = set()
    for rx, msg in ((_JS_HEADER, "The response sets `Access-Control-Allow-Origin: *`"),
                    (_JS_HEADER_OBJ, "The response sets `Access-Control-Allow-Origin: *`"),
                    (_JS_ORIGIN_STAR, "`cors({ origin: '*' })` lets every origin call this API")):
        for m in rx.finditer(text):
            line = f.line_at(m.start())
            if line not in seen:
                seen.add(line)
                yield Hit(line, message=msg, severity=_public(f, line, False))
    # app.use(cors()) with the `cors` package and no options: Access-Control-Allow-Origin: *
    if re.search(r"""(?:require\(\s*|from\s+)['"]cors['"]""", text):
        for m in re.finditer(r"\b(?:use|options|get|post|all)\(\s*(?:['\"][^'\"]*['\"]\s*,\s*)?cors\(\s*\)", text):
            line = f.line_at(m.start())
            if line not in seen:
                seen.add(line)
                yield Hit(line, message="`cors()` with no options answers every origin with `*`",
                          severity=_public(f, line, False))


# --- YAML (ingress annotations, Helm values, Traefik) ---------------------------------------

def _yaml(f: SourceFile) -> Iterator[Hit]:
    if "cors" not in f.text.lower() and "origin" not in f.text.lower():
        return
    try:
        docs = f.yaml_docs
    except ParseError:
        docs = None
    if docs is None:  # Helm templates and the like: read the annotation line by line
        for n, line in enumerate(f.lines, start=1):
            m = re.match(r"""^\s*["']?nginx\.ingress\.kubernetes\.io/cors-allow-origin["']?\s*:\s*["']?\*["']?\s*$""",
                         line)
            if m:
                yield Hit(n, message=f"Ingress annotation `{_ANN_ORIGIN}: \"*\"` allows every origin")
        return
    for doc in docs:
        for node in _walk_yaml(doc):
            if not isinstance(node, dict):
                continue
            origin = node.get(_ANN_ORIGIN)
            if isinstance(origin, str) and "*" in [p.strip() for p in origin.split(",")]:
                yield Hit(node.line_of(_ANN_ORIGIN),
                          message=f"Ingress annotation `{_ANN_ORIGIN}: \"*\"` allows every origin")
            elif _ANN_ENABLE in node and str(node[_ANN_ENABLE]).lower() == "true" and _ANN_ORIGIN not in node:
                yield Hit(node.line_of(_ANN_ENABLE),
                          message=f"`{_ANN_ENABLE}: \"true\"` without `{_ANN_ORIGIN}` allows every origin "
                                  "(the controller defaults to `*`)")
            lst = node.get("accessControlAllowOriginList")
            if isinstance(lst, list) and "*" in lst:
                yield Hit(node.line_of("accessControlAllowOriginList"),
                          message="Traefik `accessControlAllowOriginList` contains `*`")


def _walk_yaml(node: object) -> Iterator[object]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, dict):
            stack.extend(n.values())
        elif isinstance(n, list):
            stack.extend(n)
