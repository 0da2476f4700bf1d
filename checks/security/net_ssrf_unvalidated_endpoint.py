"""net.ssrf-unvalidated-endpoint: outbound requests to configurable/user-supplied URLs nobody validates."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.lang import golang as go
from checks.lang.python import call_name, dotted, kwarg, qualname
from checks.model import Hit, Severity
from checks.registry import Context, Example, rule
from checks.security import _net
from checks.security._py_origin import OPERATOR, REQUEST, UNKNOWN, Origin, Origins
from checks.source import SourceFile

_PY_LIBS = ("requests", "httpx", "aiohttp", "urllib3", "niquests", "urllib")
_PY_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "urlopen",
               "ws_connect"}
_CLIENTISH = re.compile(r"(?i)(session|client|http)$")
_GO_FIELD = re.compile(r"(?i)(endpoint|url|uri|webhook|callback|host|addr|address|server|baseurl)$")
_GO_REQUEST_READ = re.compile(r"\.(URL\.Query\(\)\.Get|FormValue|PostFormValue|Query|DefaultQuery|PostForm|"
                              r"Param|QueryParam|FormParams?)\(")
_GO_VALIDATOR = re.compile(
    r"(?i)func\s+(\([^)]*\)\s*)?\w*(validat|verif|allow|safe|check|sanitiz|restrict|permit)\w*"
    r"(url|uri|endpoint|host|domain|target|webhook|addr|destination|scheme)\w*\s*\(|"
    r"func\s+(\([^)]*\)\s*)?\w*(url|uri|endpoint|host|domain|webhook)\w*(valid|verif|allow|safe|check|permit)\w*\s*\(|"
    r"\.Scheme\s*(!=|==)|\.Hostname\(\)\s*(!=|==)|\.Host\s*(!=|==)\s*\"|ssrf|"
    # a call to a validator defined elsewhere (another package): `netutil.ValidateEndpoint(u)`
    r"\b\w*(?:[Vv]alidat|[Vv]erif|[Ss]anitiz|[Rr]estrict)\w*(?:URL|Url|URI|Uri|Endpoint|Host|Domain|Target|Webhook|"
    r"Addr|Destination|Scheme)\w*\s*\(|"
    # dial-time protection: a transport/dialer that refuses private, loopback and link-local addresses
    r"(?i:private_?networks?|block_?private|deny_?private)|\.Is(?:Private|Loopback|LinkLocalUnicast)\(\)|"
    r"(?i:safeurl|ssrf)\.")


@rule(
    "net.ssrf-unvalidated-endpoint",
    severity="HIGH",
    area="security",
    title="Outbound request to an unvalidated, configurable URL",
    why="When the target URL comes from a request, a user or tenant setting or a caller and nobody checks its "
        "scheme and host, the service can be pointed at cloud metadata endpoints, internal admin APIs or "
        "`file://` URLs (server-side request forgery). HIGH for request data; MEDIUM (verify) for settings, "
        "fields and parameters whose origin the code does not show; URLs only the operator sets (environment, "
        "flags, settings filled from them) are not reported.",
    fix="Parse the URL once and validate it before use: require `https`, match the host against an allowlist "
        "and reject private/loopback addresses (e.g. a `ValidateEndpoint(u)` / `validate_webhook_url(u)` helper "
        "called where the value is accepted).",
    kinds={"python", "go"},
    repo_kinds={"go"},
    example=Example(
        path="app/notify.py",
        bad='import requests\nfrom flask import request\n\n\ndef ping():\n'
            '    target = request.json["callback"]\n'
            '    return requests.post(target, json={"ok": True}, timeout=5)\n',
        good='from urllib.parse import urlparse\n\nimport requests\nfrom flask import abort, request\n\n'
             'ALLOWED_HOSTS = {"hooks.example.com"}\n\n\ndef ping():\n'
             '    target = request.json["callback"]\n'
             '    parsed = urlparse(target)\n'
             '    if parsed.scheme != "https" or parsed.hostname not in ALLOWED_HOSTS:\n'
             '        abort(400)\n'
             '    return requests.post(target, json={"ok": True}, timeout=5)\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "python" in f.kinds:
        yield from _python(f)
    elif "go" in f.kinds:
        yield from _go(f, ctx)


def _python(f: SourceFile) -> Iterator[Hit]:
    tree = f.python
    imports = f.python_imports
    libs = {v.split(".")[0] for v in imports.values()} & set(_PY_LIBS)
    if not libs or _net.python_has_url_validation(
            tree, imports, f.python_of(ast.Call, ast.Compare, ast.FunctionDef, ast.Attribute)):
        return
    scopes = _net.Scopes(tree, f.python_parents)
    calls = f.python_of(ast.Call)
    origins = Origins(tree, imports, scopes, calls)
    for call in calls:
        if not isinstance(call.func, (ast.Attribute, ast.Name)):
            continue
        name = call_name(call, imports)
        head, _, method = name.rpartition(".")
        if method not in _PY_METHODS:
            continue
        if head.split(".")[0] not in _PY_LIBS:
            receiver = head.rsplit(".", 1)[-1].rstrip("()")
            if not _CLIENTISH.search(receiver) and not (
                    isinstance(call.func, ast.Attribute) and _http_client(call.func.value, imports, scopes)):
                continue
        if method == "request":
            url = call.args[1] if len(call.args) > 1 else kwarg(call, "url")
        else:
            url = call.args[0] if call.args else kwarg(call, "url")
        if url is None:
            continue
        source = origins.of(url)
        if source is None or source.kind == OPERATOR:
            continue  # a URL only the operator sets (environment, settings filled from it) is not SSRF
        shown = dotted(call.func)
        if source.kind == REQUEST:
            yield Hit(call.lineno, end_line=call.end_lineno,
                      message=f"`{shown}` sends a request to a URL taken from {source.text} with no "
                              "scheme/host validation in this module")
        else:
            yield Hit(call.lineno, end_line=call.end_lineno, severity=Severity.MEDIUM,
                      message=f"`{shown}` sends a request to a URL taken from {source.text}; verify that only "
                              "the operator can set it, or validate its scheme/host",
                      note="MEDIUM: where this URL comes from is not visible in this file")


def _http_client(node: ast.AST, imports: dict[str, str], scopes: _net.Scopes) -> bool:
    """A local name bound to a requests/httpx/aiohttp client (by annotation, assignment or `with`)."""
    if not isinstance(node, ast.Name):
        return False
    func = scopes.function_of(node)
    if func is not None and not isinstance(func, ast.Lambda):
        a = func.args
        for arg in (*a.posonlyargs, *a.args, *a.kwonlyargs):
            if arg.arg == node.id and arg.annotation is not None:
                ann = qualname(arg.annotation, imports) or ""
                return ann.split(".")[0] in _PY_LIBS or ann.rsplit(".", 1)[-1] in (
                    "ClientSession", "AsyncClient", "Client", "Session")
    for value in scopes.values_of(node.id, node) or ():
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call) and (call_name(value, imports).split(".")[0] in _PY_LIBS):
            return True
    return False


def _go(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    root = f.go
    http = _net.go_local_name(root, "net/http")
    if http is None:
        return
    package = _net.strip_go_comments(f.text) + "".join(
        _net.strip_go_comments(o.text) for o in _net.same_package_go(f, ctx))
    if _GO_VALIDATOR.search(package):
        return
    for call in go.walk(root, "call_expression"):
        name = go.call_name(call)
        args = go.call_args(call)
        if name == f"{http}.NewRequest" and len(args) >= 2:
            url = args[1]
        elif name == f"{http}.NewRequestWithContext" and len(args) >= 3:
            url = args[2]
        elif name in (f"{http}.Get", f"{http}.Post", f"{http}.Head", f"{http}.PostForm") and args:
            url = args[0]
        elif re.search(r"(?i)client\.(Get|Post|Head|PostForm)$", name) and args:
            url = args[0]
        else:
            continue
        source = _go_source(url, call)
        if source is None or source.kind == OPERATOR:
            continue
        if source.kind == REQUEST:
            yield Hit(go.line(call), end_line=go.end_line(call),
                      message=f"`{name}` targets {source.text} and nothing in this package validates its "
                              "scheme/host")
        else:
            yield Hit(go.line(call), end_line=go.end_line(call), severity=Severity.MEDIUM,
                      message=f"`{name}` targets {source.text}, which nothing in this package validates; verify "
                              "that only the operator can set it, or validate its scheme/host",
                      note="MEDIUM: where this URL comes from is not visible in this package")


_GO_OPERATOR = re.compile(r"^(os\.(Getenv|LookupEnv)|viper\.Get\w*|flag\.\w+|pflag\.\w+)$")


def _go_source(url, call, depth: int = 0) -> Origin | None:
    """Where the URL comes from: request input (HIGH), the operator (silent) or a field/parameter."""
    if depth > 3:
        return None
    for node in go.walk(url):
        if node.type == "call_expression":
            cname = go.call_name(node)
            if _GO_OPERATOR.match(cname):
                return Origin(OPERATOR, f"`{go.text(node)}`")
            if _GO_REQUEST_READ.search(go.text(node.child_by_field_name("function")) + "("):
                return Origin(REQUEST, f"request input `{go.text(node)}`")
        if node.type == "selector_expression":
            field = go.text(node.child_by_field_name("field"))
            operand = go.text(node.child_by_field_name("operand"))
            if field == "URL" and operand.split(".")[-1] in ("r", "req", "request", "Request", "resp", "res"):
                continue
            if _GO_FIELD.search(field) and not (node.parent is not None and node.parent.type == "call_expression"
                                                and node.parent.child_by_field_name("function") == node):
                return Origin(UNKNOWN, f"the configurable `{go.text(node)}`")
        if node.type == "identifier" and depth < 3:
            origin = _go_local_origin(go.text(node), call)
            if origin is None:
                origin = _go_package_var(go.text(node), call)
            if origin is not None:
                found = _go_source(origin, call, depth + 1)
                if found:
                    return found
    return None


def _go_local_origin(name: str, call):
    """The value last assigned to local `name` before `call` in its function (None if not found)."""
    func = _net.go_enclosing_func(call)
    if func is None:
        return None
    found = None
    for node in go.walk(func, "short_var_declaration", "assignment_statement"):
        if node.start_byte >= call.start_byte:
            break
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            continue
        names = [go.text(n) for n in left.named_children]
        vals = right.named_children
        if name in names:
            i = names.index(name)
            found = vals[i] if len(vals) == len(names) else (vals[0] if vals else None)
    return found


def _go_package_var(name: str, call):
    """The initial value of a package-level `var name = ...` (e.g. `var base = os.Getenv("API_BASE")`)."""
    root = call
    while root.parent is not None:
        root = root.parent
    for decl in root.named_children:
        if decl.type != "var_declaration":
            continue
        for spec in go.walk(decl, "var_spec"):
            names = [go.text(n) for n in spec.children_by_field_name("name")]
            value = spec.child_by_field_name("value")
            if name in names and value is not None and value.named_children:
                vals = value.named_children
                return vals[names.index(name)] if len(vals) == len(names) else vals[0]
    return None
