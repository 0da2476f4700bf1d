"""Where a Python value (typically a URL) comes from: the request, the operator, or somewhere unseen.

`origin()` answers with an `Origin(kind, text)`:
- "request": request data, or a parameter that callers in this module fill from request data;
- "operator": process environment, or a settings/config key this module sets from the environment;
- "unknown": settings, configuration objects and caller-supplied parameters whose origin the file
  does not show (the rule asks the reader to verify).
"""
from __future__ import annotations

import ast
import re
from typing import NamedTuple

from checks.lang.pyflow import Flow
from checks.lang.python import dotted, qualname

REQUEST, OPERATOR, UNKNOWN = "request", "operator", "unknown"
_RANK = {REQUEST: 3, UNKNOWN: 2, OPERATOR: 1}
_MAX_DEPTH = 6


class Origin(NamedTuple):
    kind: str
    text: str


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
_WEBHOOK_ATTR = re.compile(r"(?i)^_*(webhook|callback|notify|notification)_?(url|uri|endpoint)s?$")
_SETTINGS_HEADS = {"settings", "config", "conf", "cfg", "CONFIG", "SETTINGS", "app_config", "configuration"}
_CONFIG_KEY = re.compile(r"(?i)(url|uri|endpoint|host|base|webhook|callback|server|api|address|addr)")
_STRING_OPS = ("format", "join", "rstrip", "strip", "lstrip", "replace", "lower")


def is_route_handler(func: ast.AST) -> bool:
    """A function decorated as a web route (`@app.get(...)`, `@router.post`, `@bp.route`, `@api_view`)."""
    for dec in getattr(func, "decorator_list", []):
        target = dec.func if isinstance(dec, ast.Call) else dec
        name = dotted(target) or ""
        if _ROUTE_DECORATOR.search(name) and ("." in name or name in ("api_view", "route")):
            return True
    return False


def _injected(func: ast.AST, param: str) -> bool:
    """A handler parameter the framework fills from code, not from the request (`db = Depends(...)`,
    `request: Request`, `self`)."""
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    for arg, default in pairs:
        if arg.arg == param and isinstance(default, ast.Call) and \
                (dotted(default.func) or "").rsplit(".", 1)[-1] in ("Depends", "Security"):
            return True
    for arg in [*positional, *args.kwonlyargs]:
        if arg.arg == param:
            hint = dotted(arg.annotation) if arg.annotation is not None else ""
            return param in ("self", "cls") or (hint or "").rsplit(".", 1)[-1] in (
                "Request", "WebSocket", "BackgroundTasks", "Session", "AsyncSession", "HttpRequest")
    return False


def _env_call(node: ast.AST, imports: dict[str, str]) -> bool:
    if isinstance(node, ast.Call):
        name = qualname(node.func, imports) or ""
        if name in ("os.getenv", "os.environ.get", "environ.get", "os.environ.setdefault"):
            return True
        # django-environ / python-decouple / environs: env("X"), env.str("X"), config("X")
        if name in ("env", "env.str", "env.url", "decouple.config", "config") and node.args and \
                isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            return True
    if isinstance(node, ast.Subscript):
        name = qualname(node.value, imports) or ""
        if name in ("os.environ", "environ"):
            return True
    return False


def _is_config_holder(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last in ("config", "settings", "CONFIG", "SETTINGS") or last.endswith(("config", "settings"))


class Origins:
    """Origin lookups for one module (config keys it sets, functions and their callers)."""

    def __init__(self, tree: ast.Module, imports: dict[str, str], flow: Flow, calls: list[ast.Call], *,
                 every_route_param: bool = False):
        """`every_route_param`: any parameter of a route handler is request data (a path or query
        parameter reaching a command), not only URL-like names (what SSRF needs)."""
        self.imports, self.flow = imports, flow
        self.every_route_param = every_route_param
        # app.config["TRANSACTIONS_URI"] = "http://{}/x".format(os.environ.get("ADDR"))
        self.config_stores: dict[str, list[ast.expr]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Subscript) and _is_config_holder(dotted(t.value) or "") and \
                            isinstance(t.slice, ast.Constant) and isinstance(t.slice.value, str):
                        self.config_stores.setdefault(t.slice.value, []).append(node.value)
        self.callers: dict[str, list[ast.Call]] = {}
        for call in calls:
            fname = dotted(call.func) or ""
            self.callers.setdefault(fname.rsplit(".", 1)[-1], []).append(call)

    def of(self, node: ast.AST | None, depth: int = 0) -> Origin | None:
        """The most user-controlled origin among the pieces of `node`, or None when none is found."""
        if node is None or depth > _MAX_DEPTH:
            return None
        nxt = depth + 1
        if _env_call(node, self.imports):
            return Origin(OPERATOR, "an environment variable")
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            return self._attribute(node, nxt)
        if isinstance(node, ast.Call):
            return self._call(node, nxt)
        if isinstance(node, ast.JoinedStr):
            return self._worst((v.value for v in node.values if isinstance(v, ast.FormattedValue)), nxt)
        if isinstance(node, ast.BinOp):
            parts = [node.left, node.right] if isinstance(node.op, ast.Mod) else [node.left]
            return self._worst(parts, nxt)
        if isinstance(node, ast.BoolOp):
            return self._worst(node.values, nxt)
        if isinstance(node, ast.IfExp):
            return self._worst((node.body, node.orelse), nxt)
        if isinstance(node, ast.Name):
            return self._name(node, nxt)
        return None

    def _worst(self, nodes, depth: int = 0) -> Origin | None:
        found = [o for o in (self.of(n, depth) for n in nodes) if o is not None]
        return max(found, key=lambda o: _RANK[o.kind]) if found else None

    def _attribute(self, node: ast.Attribute | ast.Subscript, depth: int) -> Origin | None:
        name = dotted(node.value if isinstance(node, ast.Subscript) else node) or ""
        parts = name.split(".")
        # request.args.get(...) / request.json["url"] / request.GET["u"]
        if "request" in parts[:2] or parts[0] in ("req", "flask_request"):
            idx = parts.index("request") if "request" in parts else 0
            if len(parts) > idx + 1 and (parts[idx + 1].rstrip("()") in _REQUEST_ATTRS or
                                         isinstance(node, ast.Subscript)):
                return Origin(REQUEST, "the incoming request")
        if isinstance(node, ast.Attribute) and _WEBHOOK_ATTR.search(node.attr):
            return Origin(UNKNOWN, f"the configurable `{name}`")
        if isinstance(node, ast.Attribute):
            heads = set(parts[:-1])
            if (heads & _SETTINGS_HEADS or any(p.endswith(("settings", "config", "_cfg", "_conf"))
                                               for p in parts[:-1])) and _CONFIG_KEY.search(parts[-1]):
                return Origin(UNKNOWN, f"configuration (`{name}`)")
        if isinstance(node, ast.Subscript):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and _CONFIG_KEY.search(key.value) \
                    and _is_config_holder(parts[-1]):
                return self._config_key(f"{name}[{key.value!r}]", key.value, depth)
        return None

    def _config_key(self, shown: str, key: str, depth: int) -> Origin:
        stored = self.config_stores.get(key)
        if stored:
            found = self._worst(stored, depth)
            if found is not None and found.kind == OPERATOR:
                return Origin(OPERATOR, f"configuration (`{shown}`) set from the environment")
            if found is not None:
                return found
        return Origin(UNKNOWN, f"configuration (`{shown}`)")

    def _call(self, node: ast.Call, depth: int) -> Origin | None:
        func = node.func
        # request.args.get("url"), request.json.get("url"), settings.get("WEBHOOK_URL")
        if isinstance(func, ast.Attribute) and func.attr in ("get", "getlist", "get_json", "__getitem__"):
            inner = self.of(func.value, depth) if func.attr != "get_json" else None
            if inner:
                return inner
            bparts = (dotted(func.value) or "").split(".")
            if "request" in bparts[:2] and (func.attr == "get_json" or len(bparts) > 1 and
                                            bparts[-1] in _REQUEST_ATTRS):
                return Origin(REQUEST, "the incoming request")
            if _is_config_holder(bparts[-1]) and node.args and isinstance(node.args[0], ast.Constant) and \
                    isinstance(node.args[0].value, str) and _CONFIG_KEY.search(node.args[0].value):
                key = node.args[0].value
                return self._config_key(f"{'.'.join(bparts)}.get({key!r})", key, depth)
        if isinstance(func, ast.Attribute) and func.attr in _STRING_OPS:
            return self._worst((func.value, *node.args, *(k.value for k in node.keywords)), depth)
        if isinstance(func, ast.Name) and func.id in ("str", "urljoin") or \
                (qualname(func, self.imports) or "") in ("urllib.parse.urljoin", "posixpath.join"):
            return self._worst(node.args, depth)
        return None

    def _name(self, node: ast.Name, depth: int) -> Origin | None:
        flow = self.flow
        func = flow.function_of(node)
        values = flow.values_of(node.id, node)
        if values:
            found = self._worst(values, depth)
            if found is not None or not _URLISH_NAME.match(node.id):
                return found
        if func is None or node.id not in flow.params(func):
            return Origin(UNKNOWN, f"the caller-supplied `{node.id}`") if _URLISH_NAME.match(node.id) else None
        if (self.every_route_param or _ROUTE_PARAM.search(node.id)) and is_route_handler(func) \
                and not _injected(func, node.id):
            return Origin(REQUEST, f"the request parameter `{node.id}`")
        from_callers = self._from_callers(func, node.id, depth)
        if from_callers is not None:
            return from_callers
        if _URLISH_NAME.match(node.id):
            return Origin(UNKNOWN, f"the caller-supplied `{node.id}`")
        return None

    def _from_callers(self, func: ast.AST, param: str, depth: int) -> Origin | None:
        """What callers in this module pass for `param` of `func`."""
        if isinstance(func, ast.Lambda):
            return None
        args = [a.arg for a in (*func.args.posonlyargs, *func.args.args)]  # type: ignore[attr-defined]
        if args and args[0] in ("self", "cls"):
            args = args[1:]
        passed = []
        for call in self.callers.get(func.name, ()):  # type: ignore[attr-defined]
            value = next((k.value for k in call.keywords if k.arg == param), None)
            if value is None and param in args and args.index(param) < len(call.args):
                value = call.args[args.index(param)]
            if value is not None:
                passed.append(value)
        found = self._worst(passed, depth)
        if found is not None and found.kind == REQUEST:
            return Origin(REQUEST, f"{found.text} (passed as `{param}` by callers in this module)")
        return found
