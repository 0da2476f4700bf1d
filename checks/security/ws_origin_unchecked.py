"""ws.origin-unchecked: WebSocket endpoints that accept connections from any origin."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.model import Hit, Severity
from checks.lang import golang as go
from checks.lang.python import call_name, has_star_kwargs, kwarg
from checks.registry import Context, Example, rule
from checks.security import _web
from checks.source import SourceFile

_PY_SERVE = re.compile(r"^websockets(\.[\w.]+)?\.(serve|unix_serve)$")
_ORIGIN_VALIDATORS = ("AllowedHostsOriginValidator", "OriginValidator")


@rule(
    "ws.origin-unchecked",
    severity="HIGH",
    area="security",
    title="WebSocket accepts any origin",
    why="Browsers send cookies with cross-site WebSocket handshakes, so an endpoint that accepts every "
        "Origin lets any website open an authenticated socket as the visitor (cross-site WebSocket hijacking). "
        "A check that only lets a missing Origin through is LOW: browsers always send Origin on a WebSocket "
        "upgrade, so only non-browser clients reach that branch.",
    fix="Check the `Origin` header against an allowlist of your front-end origins (and reject a missing "
        "Origin for browser endpoints), e.g. a `CheckOrigin` that looks the origin up in configured hosts, or "
        "`websockets.serve(..., origins=[\"https://app.example.com\"])`.",
    kinds={"go", "python"},
    example=Example(
        path="internal/ws/upgrader.go",
        bad='package ws\n\nimport (\n\t"net/http"\n\n\t"github.com/gorilla/websocket"\n)\n\n'
            'var upgrader = websocket.Upgrader{\n\tCheckOrigin: func(r *http.Request) bool { return true },\n}\n',
        good='package ws\n\nimport (\n\t"net/http"\n\n\t"github.com/gorilla/websocket"\n)\n\n'
             'var allowed = map[string]bool{"https://app.example.com": true}\n\n'
             'var upgrader = websocket.Upgrader{\n\tCheckOrigin: func(r *http.Request) bool {\n'
             '\t\treturn allowed[r.Header.Get("Origin")]\n\t},\n}\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "go" in f.kinds:
        yield from _golang(f)
    elif "python" in f.kinds:
        yield from _python(f)


# --- Go -------------------------------------------------------------------------------------

def _golang(f: SourceFile) -> Iterator[Hit]:
    if not re.search(r"(?i)websocket|origin", f.text):
        return
    root = f.go
    funcs = _web.go_top_funcs(root)
    ws_pkgs = _web.go_pkg_names(root, "websocket")
    for node in go.walk(root, "keyed_element", "assignment_statement", "if_statement"):
        if node.type == "if_statement":
            hit = _empty_origin_passes(node)
            if hit:
                yield hit
            continue
        if node.type == "keyed_element":
            kv = _web.go_keyed(node)
            if kv is None:
                continue
            key, value = kv
        else:
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            lt = go.text(left)
            if not lt.endswith(".CheckOrigin") or right is None:
                continue
            key, value = "CheckOrigin", right.named_children[0] if right.named_children else right
        vtext = go.text(value).strip()
        if key == "CheckOrigin":
            if _accepts_all(value, funcs):
                yield Hit(go.line(node), message="`CheckOrigin` returns true for every origin, so any website "
                                                 "can open a socket with the visitor's cookies")
        elif key == "InsecureSkipVerify" and vtext == "true" and _in_accept_options(node, ws_pkgs):
            yield Hit(go.line(node), message="`AcceptOptions{InsecureSkipVerify: true}` disables the "
                                             "WebSocket origin check")
        elif key == "OriginPatterns" and _in_accept_options(node, ws_pkgs):
            items = [go.string_value(s) for s in go.walk(value, "interpreted_string_literal", "raw_string_literal")]
            if "*" in items:
                yield Hit(go.line(node), message="`OriginPatterns` contains `*`, so every origin is accepted")


def _in_accept_options(elem: go.Node, ws_pkgs: set[str]) -> bool:
    """The keyed element sits in a `websocket.AcceptOptions{...}` literal (not a `tls.Config` of the same file)."""
    lit = next((a for a in go.ancestors(elem) if a.type == "composite_literal"), None)
    if lit is None:
        return False
    typ = go.text(lit.child_by_field_name("type"))
    pkg, _, name = typ.rpartition(".")
    return name == "AcceptOptions" and (pkg in ws_pkgs or not pkg)


def _accepts_all(value: go.Node, funcs: dict[str, go.Node]) -> bool:
    if value.type == "func_literal":
        return _web.go_returns_true_only(value.child_by_field_name("body"))
    if value.type == "identifier":
        decl = funcs.get(go.text(value))
        if decl is not None:
            return _web.go_returns_true_only(decl.child_by_field_name("body"))
    return False


_EMPTY_COND = re.compile(r'^\(?\s*(?:(\w+)\s*==\s*""|""\s*==\s*(\w+)|len\((\w+)\)\s*==\s*0)\s*\)?$')
# The header read inline: `r.Header.Get("Origin") == ""`, `len(r.Header["Origin"]) == 0`, `"" == r.Header.Get(...)`.
_DIRECT_EMPTY = re.compile(
    r'^\(?\s*(?:(?:len\(\s*)?(?:\w+\.)*Header(?:\.Get\(\s*"origin"\s*\)|\[\s*"origin"\s*\])\s*\)?\s*==\s*(?:""|0)|'
    r'""\s*==\s*(?:\w+\.)*Header\.Get\(\s*"origin"\s*\))\s*\)?$', re.I)


_EMPTY_NOTE = ("LOW: only a missing Origin passes; browsers always send Origin on a WebSocket upgrade, so "
               "only non-browser clients (which must authenticate anyway) reach this branch")


def _empty_origin_passes(node: go.Node) -> Hit | None:
    """`if origin == "" { return true }` inside an origin check."""
    cond = node.child_by_field_name("condition")
    cons = node.child_by_field_name("consequence")
    if cond is None or cons is None:
        return None
    ctext = go.text(cond).strip()
    # `if origin == "" || allowed[origin] { return true }` passes on a missing header too
    parts = [p.strip() for p in ctext.split("||")] if "&&" not in ctext else [ctext]
    direct = next((p for p in parts if _DIRECT_EMPTY.match(p)), None)
    m = next((mm for p in parts if (mm := _EMPTY_COND.match(p))), None)
    if not m and not direct:
        return None
    if not re.search(r"\breturn\s+true\b", go.text(cons)):
        return None
    fn = _web.go_enclosing_func(node)
    if fn is None:
        return None
    ftext = go.text(fn)
    if direct:
        return Hit(go.line(node), severity=Severity.LOW, note=_EMPTY_NOTE,
                   message="The origin check returns true when the `Origin` header is missing")
    var = m.group(1) or m.group(2) or m.group(3)
    origin_src = re.search(rf'(?i)\b{re.escape(var)}\s*:?=\s*[\w.]*(?:(?:Header\.Get|Get)\(\s*"Origin"\s*\)|'
                           rf'Header\[\s*"Origin"\s*\])', ftext) or \
        (var.lower() == "origin" and re.search(r"\borigin\s+string\b", go_params(fn)) is not None)
    if origin_src:
        return Hit(go.line(node), severity=Severity.LOW, note=_EMPTY_NOTE,
                   message=f"The origin check returns true when `{var}` is empty, so requests "
                           "without an Origin header skip the allowlist")
    return None


def go_params(fn: go.Node) -> str:
    p = fn.child_by_field_name("parameters")
    return go.text(p)


# --- Python ---------------------------------------------------------------------------------

def _python(f: SourceFile) -> Iterator[Hit]:
    if not re.search(r"websocket|socketio|ProtocolTypeRouter", f.text):
        return
    imports = f.python_imports
    for call in f.python_of(ast.Call):
        name = call_name(call, imports)
        if _PY_SERVE.match(name):
            if has_star_kwargs(call):
                continue
            origins = kwarg(call, "origins")
            if origins is None or (isinstance(origins, ast.Constant) and origins.value is None):
                yield Hit(call.lineno, message=f"`{name.rsplit('.', 1)[-1]}(...)` has no `origins=` allowlist, "
                                               "so any website can connect")
        elif re.match(r"^(socketio|engineio)\.(Async)?Server$", name):
            v = kwarg(call, "cors_allowed_origins")
            if _web.const_str(v) == "*" or (isinstance(v, ast.List) and "*" in (_web.str_items(v) or [])):
                yield Hit(call.lineno, message="`cors_allowed_origins=\"*\"` lets any website open a Socket.IO "
                                               "connection")
        elif name.endswith("ProtocolTypeRouter") and call.args and isinstance(call.args[0], ast.Dict):
            for k, v in zip(call.args[0].keys, call.args[0].values, strict=True):
                if _web.const_str(k) != "websocket" or not isinstance(v, ast.Call):
                    continue
                wrapped = {call_name(c, imports).rsplit(".", 1)[-1]
                           for c in ast.walk(v) if isinstance(c, ast.Call)}
                if not wrapped & set(_ORIGIN_VALIDATORS):
                    yield Hit(k.lineno, message="The Channels `websocket` route is not wrapped in "
                                                "`AllowedHostsOriginValidator`/`OriginValidator`")
