"""net.untrusted-proxy: client IP taken from spoofable forwarding headers, or every proxy trusted."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang as go
from checks.lang.python import call_name, dotted, kwarg
from checks.registry import Context, Example, rule
from checks.security import _net
from checks.source import SourceFile

_IP_HEADERS = {"x-forwarded-for", "x-real-ip", "x-client-ip", "true-client-ip", "x-original-forwarded-for",
               "x-cluster-client-ip", "forwarded"}
_TRUST_CHECK = re.compile(r"(?i)trusted[_ ]?prox|is_?trusted|trusted_?(ips|networks|cidrs|hops)|TrustedProxies|"
                          r"TrustedPlatform|SetTrustedProxies|trustedProxy")
_LOG_CALL = re.compile(r"(?i)(^|\.)(log\w*|debug|info|warn\w*|error|exception|critical|print\w*|Str|Any|With\w*|"
                       r"String|Field|Fields|Infof|Debugf|Warnf|Errorf|Sugar)$|logger|logging|slog|zap|zerolog|logrus")
_GO_HEADER_CONST = re.compile(r"(?i)(^|\.)(Header)?X_?(Forwarded_?For|Real_?IP)(Header)?$")
_PROXY_COUNT_KW = ("x_for", "x_proto", "x_host", "x_port", "x_prefix", "num_proxies")


def _header_name(value: str) -> str | None:
    v = value.strip().lower()
    if v.startswith("http_"):
        v = v[5:]
    v = v.replace("_", "-")
    return value if v in _IP_HEADERS else None


@rule(
    "net.untrusted-proxy",
    severity="MEDIUM",
    area="security",
    title="Client IP taken from spoofable proxy headers",
    why="Any client can send its own `X-Forwarded-For`/`X-Real-IP`, so rate limits, IP allowlists and audit "
        "logs keyed on it can be bypassed or poisoned unless only known proxies are trusted.",
    fix="Configure the trusted proxies (`router.SetTrustedProxies([]string{\"10.0.0.0/8\"})` then "
        "`c.ClientIP()`, werkzeug `ProxyFix(app.wsgi_app, x_for=1)` matching your real hop count, uvicorn "
        "`--forwarded-allow-ips` with the proxy address) instead of reading the header directly.",
    kinds={"python", "go"},
    options={"max_proxy_hops": 2},
    repo_kinds={"go"},
    example=Example(
        path="internal/server/router.go",
        bad='package server\n\nimport "github.com/gin-gonic/gin"\n\nfunc New() *gin.Engine {\n'
            '\tr := gin.Default()\n\treturn r\n}\n',
        good='package server\n\nimport "github.com/gin-gonic/gin"\n\nfunc New() *gin.Engine {\n'
             '\tr := gin.Default()\n\t_ = r.SetTrustedProxies([]string{"10.0.0.0/8"})\n\treturn r\n}\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "python" in f.kinds:
        yield from _python(f, ctx)
    elif "go" in f.kinds:
        yield from _go(f, ctx)


# --- Python ------------------------------------------------------------------------------------

def _python(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    tree = f.python
    imports = f.python_imports
    scopes = _net.Scopes(tree, f.python_parents)
    idents = " ".join(
        n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute) else n.name
        for n in f.python_of(ast.Name, ast.Attribute, ast.FunctionDef, ast.AsyncFunctionDef))
    trusted = bool(_TRUST_CHECK.search(idents))
    max_hops = int(ctx.options.get("max_proxy_hops", 2))
    for node in f.python_of(ast.Call, ast.Attribute, ast.Subscript, ast.Assign):
        if isinstance(node, ast.Call):
            name = call_name(node, imports)
            short = name.rsplit(".", 1)[-1]
            if short == "ProxyFix":
                for key in _PROXY_COUNT_KW:
                    value = kwarg(node, key)
                    if isinstance(value, ast.Constant) and isinstance(value.value, int) and \
                            not isinstance(value.value, bool) and value.value > max_hops:
                        yield Hit(node.lineno, end_line=node.end_lineno,
                                  message=f"`ProxyFix(..., {key}={value.value})` trusts {value.value} forwarding "
                                          f"hops; more than the real proxy count lets clients spoof their address")
                        break
                continue
            allow = kwarg(node, "forwarded_allow_ips")
            if isinstance(allow, ast.Constant) and allow.value == "*":
                yield Hit(node.lineno, end_line=node.end_lineno,
                          message=f"`{dotted(node.func)}(..., forwarded_allow_ips=\"*\")` trusts forwarding "
                                  "headers from any client")
                continue
            if isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "getlist", "get_all") and \
                    node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                header = _header_name(node.args[0].value)
                if header and _headers_container(node.func.value) and not trusted and \
                        not _in_log_call_py(node, scopes):
                    yield Hit(node.lineno, message=_msg(header))
        elif isinstance(node, ast.Attribute) and node.attr == "access_route" and \
                (dotted(node.value) or "").endswith("request") and not trusted and not _in_log_call_py(node, scopes):
            yield Hit(node.lineno, message="`request.access_route` is built from `X-Forwarded-For`, which any "
                                           "client can set; trust it only from known proxies")
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and \
                isinstance(node.slice.value, str) and isinstance(node.ctx, ast.Load):
            header = _header_name(node.slice.value)
            if header and _headers_container(node.value) and not trusted and not _in_log_call_py(node, scopes):
                yield Hit(node.lineno, message=_msg(header))
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "forwarded_allow_ips"
                                                  for t in node.targets):
            if isinstance(node.value, ast.Constant) and node.value.value == "*":
                yield Hit(node.lineno, message="`forwarded_allow_ips = \"*\"` makes gunicorn trust forwarding "
                                               "headers from any client")


def _headers_container(node: ast.AST) -> bool:
    name = dotted(node) or ""
    last = name.rsplit(".", 1)[-1]
    return last in ("headers", "META", "environ", "HEADERS", "request_headers") or last.endswith("headers")


def _in_log_call_py(node: ast.AST, scopes: _net.Scopes) -> bool:
    cur = scopes.parent.get(node)
    while cur is not None and not isinstance(cur, ast.stmt):
        if isinstance(cur, ast.Call):
            name = dotted(cur.func) or ""
            if _LOG_CALL.search(name):
                return True
        cur = scopes.parent.get(cur)
    return False


def _msg(header: str) -> str:
    return (f"Client address read from the `{header}` header, which any client can set; trust it only from "
            "known proxies")


# --- Go ----------------------------------------------------------------------------------------

def _go(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    root = f.go
    package_text = _net.strip_go_comments(f.text) + "".join(
        _net.strip_go_comments(o.text) for o in _net.same_package_go(f, ctx))
    configured = bool(re.search(r"SetTrustedProxies|TrustedPlatform\s*=|ForwardedByClientIP\s*=\s*false|"
                                r"RemoteIPHeaders\s*=", package_text))
    gin = _net.go_local_name(root, "github.com/gin-gonic/gin")
    for call in go.walk(root, "call_expression"):
        name = go.call_name(call)
        if gin and name in (f"{gin}.Default", f"{gin}.New") and not configured:
            yield Hit(go.line(call), message=f"`{name}()` trusts X-Forwarded-For from every client because "
                                             "`SetTrustedProxies` is never called, so `c.ClientIP()` can be spoofed")
            continue
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "selector_expression":
            continue
        field = go.text(fn.child_by_field_name("field"))
        operand = go.text(fn.child_by_field_name("operand"))
        args = go.call_args(call)
        if not args:
            continue
        header = go.string_value(args[0])
        if header is None and args[0].type in ("identifier", "selector_expression") and \
                _GO_HEADER_CONST.search(go.text(args[0])):
            header = go.text(args[0])
        elif header is None or _header_name(header) is None:
            continue
        if field in ("Get", "Values", "GetHeader", "Peek") and len(args) == 1 and not _go_safe_use(call):
            yield Hit(go.line(call), message=_msg(header))
    for idx in go.walk(root, "index_expression"):
        operand = go.text(idx.child_by_field_name("operand"))
        key = idx.child_by_field_name("index")
        header = go.string_value(key) if key is not None else None
        if operand.endswith("Header") and header and _header_name(header) and not _go_safe_use(idx):
            yield Hit(go.line(idx), message=_msg(header))


def _go_safe_use(node) -> bool:
    """Header reads inside logging calls, or in functions that check trusted proxies / forward the header."""
    for anc in go.ancestors(node):
        if anc.type == "call_expression" and _LOG_CALL.search(go.call_name(anc)):
            return True
        if anc.type in ("expression_statement", "short_var_declaration", "assignment_statement",
                        "if_statement", "return_statement"):
            break
    func = _net.go_enclosing_func(node)
    if func is not None:
        body = _net.strip_go_comments(go.text(func))
        if re.search(r"(?i)(?<!un)trust", body) or re.search(
                r"\.Contains\(\s*\w*[iI][pP]|Header\.(Set|Add)\(\s*(\"X-(Forwarded-For|Real-IP)\"|[\w.]*X_?(Forwarded_?For|Real_?IP))",
                body, re.I):
            return True
    return False
