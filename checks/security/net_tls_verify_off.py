"""net.tls-verify-off: TLS certificate verification switched off."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang as go
from checks.lang.python import call_name, dotted, kwarg, qualname
from checks.security._net import go_local_name
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_HTTP_LIBS = ("requests", "httpx", "aiohttp", "urllib3", "niquests", "pip._vendor.requests")
_HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream",
                 "Client", "AsyncClient", "Session", "AsyncHTTPTransport", "HTTPTransport", "ws_connect",
                 "urlopen", "merge_environment_settings", "PoolManager", "ProxyManager",
                 "connection_from_url", "HTTPSConnectionPool", "mount"}
_NOT_TLS = ("jwt.", "jose.", "authlib.", "itsdangerous.")


@rule(
    "net.tls-verify-off",
    severity="HIGH",
    area="security",
    title="TLS certificate verification disabled",
    why="Without certificate verification anyone on the network path can impersonate the server and read or "
        "change the traffic, including credentials sent with it.",
    fix="Keep verification on; for a private CA pass its bundle (`verify=\"/etc/ssl/internal-ca.pem\"`, "
        "`tls.Config{RootCAs: pool}`) instead of disabling checks.",
    kinds={"python", "go"},
    # every finding names a verify/ssl keyword or attribute, cert_reqs, an unverified-context helper or,
    # in Go, InsecureSkipVerify
    prefilter=("verify", "ssl", "cert_reqs", "_create_unverified_context", "InsecureSkipVerify"),
    example=Example(
        path="app/clients/billing.py",
        bad='import requests\n\n\ndef charge(payload):\n'
            '    return requests.post("https://billing.internal/charge", json=payload, verify=False, timeout=5)\n',
        good='import requests\n\n\ndef charge(payload):\n'
             '    return requests.post("https://billing.internal/charge", json=payload,\n'
             '                         verify="/etc/ssl/internal-ca.pem", timeout=5)\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "python" in f.kinds:
        yield from _python(f)
    elif "go" in f.kinds:
        yield from _go(f)


def _is_false(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _cert_none(node: ast.AST | None, imports: dict[str, str]) -> bool:
    if node is None:
        return False
    if isinstance(node, ast.Constant):
        return node.value in ("CERT_NONE", "NONE")
    return (qualname(node, imports) or "").endswith("CERT_NONE")


_CONFIG_FLAG = re.compile(r"(?i)verif|insecure|ssl|tls|cert|skip")


def _conditional_on_config(node: ast.AST, parent: dict[ast.AST, ast.AST]) -> bool:
    """Inside an `if` on a verify/insecure flag, or in a class that stands in for an SSL context."""
    cur = parent.get(node)
    while cur is not None:
        if isinstance(cur, (ast.If, ast.IfExp)) and any(
                isinstance(n, (ast.Name, ast.Attribute)) and _CONFIG_FLAG.search(
                    n.id if isinstance(n, ast.Name) else n.attr) for n in ast.walk(cur.test)):
            return True
        if isinstance(cur, ast.ClassDef) and "Context" in cur.name:
            return True
        cur = parent.get(cur)
    return False


def _python(f: SourceFile) -> Iterator[Hit]:
    tree = f.python
    imports = f.python_imports
    parent = f.python_parents
    http_module = any(v.split(".")[0] in _HTTP_LIBS for v in imports.values())
    # module constants bound once to False: `VERIFY_SSL = False` ... `requests.get(u, verify=VERIFY_SSL)`
    bound: dict[str, list[ast.expr]] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            for t in stmt.targets:
                if isinstance(t, ast.Name):
                    bound.setdefault(t.id, []).append(stmt.value)
    false_names = frozenset(k for k, v in bound.items() if len(v) == 1 and _is_false(v[0]))
    for node in f.python_of(ast.Call, ast.Dict, ast.Assign, ast.AnnAssign):
        if isinstance(node, ast.Call):
            # the (costly) ancestor test only for calls that would be reported
            hits = list(_py_call(node, imports, http_module, false_names))
            if hits and not _conditional_on_config(node, parent):
                yield from hits
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "cert_reqs" and _cert_none(value, imports) and \
                        not _conditional_on_config(node, parent):
                    yield Hit(value.lineno, message="`\"cert_reqs\": ssl.CERT_NONE` accepts any certificate")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            for target in targets:
                if not isinstance(target, ast.Attribute) or _conditional_on_config(target, parent):
                    continue
                tname = dotted(target) or target.attr
                if target.attr == "verify_mode" and _cert_none(value, imports):
                    yield Hit(node.lineno, message=f"`{tname} = ssl.CERT_NONE` accepts any certificate")
                elif target.attr == "verify" and _is_false(value) and http_module:
                    yield Hit(node.lineno, message=f"`{tname} = False` turns off TLS verification for every "
                                                   "request of this session")
                elif target.attr == "_create_default_https_context" and value is not None and \
                        (qualname(value, imports) or "").endswith("_create_unverified_context"):
                    yield Hit(node.lineno, message="The default HTTPS context is replaced with an unverified one "
                                                   "for the whole process")


def _py_call(node: ast.Call, imports: dict[str, str], http_module: bool,
             false_names: frozenset[str] = frozenset()) -> Iterator[Hit]:
    name = call_name(node, imports)
    if name.endswith("_create_unverified_context") and name.startswith(("ssl.", "_create")):
        yield Hit(node.lineno, message=f"`{dotted(node.func)}()` creates an SSL context that accepts "
                                       "any certificate")
        return
    if name.startswith(_NOT_TLS):
        return
    verify = kwarg(node, "verify")
    if isinstance(verify, ast.Name) and verify.id in false_names:
        verify = ast.Constant(value=False)
    short = name.rsplit(".", 1)[-1]
    lib_call = name.split(".")[0] in _HTTP_LIBS
    if _is_false(verify) and (lib_call or (http_module and short in _HTTP_METHODS)):
        yield Hit(node.lineno, end_line=node.end_lineno,
                  message=f"`{dotted(node.func)}(..., verify=False)` skips TLS certificate verification")
        return
    for key in ("ssl", "verify_ssl"):
        value = kwarg(node, key)
        if _is_false(value) and (name.startswith("aiohttp.") or (
                "aiohttp" in {v.split(".")[0] for v in imports.values()} and short in _HTTP_METHODS)):
            yield Hit(node.lineno, end_line=node.end_lineno,
                      message=f"`{dotted(node.func)}(..., {key}=False)` skips TLS certificate verification")
            break
    else:
        reqs = kwarg(node, "cert_reqs")
        if _cert_none(reqs, imports):
            yield Hit(node.lineno, end_line=node.end_lineno,
                      message=f"`{dotted(node.func)}(..., cert_reqs=CERT_NONE)` skips certificate checks")


def _tls_literal(node, tls_name: str | None) -> bool:
    """The keyed element sits in a `tls.Config{...}` literal (not e.g. websocket.AcceptOptions)."""
    for anc in go.ancestors(node):
        if anc.type == "composite_literal":
            typ = go.text(anc.child_by_field_name("type"))
            return bool(tls_name) and re.search(rf"(^|[\]*&\s]){re.escape(tls_name or '')}\.Config$", typ) is not None
    return False


def _go(f: SourceFile) -> Iterator[Hit]:
    root = f.go
    tls_name = go_local_name(root, "crypto/tls")
    for node in go.walk(root, "keyed_element", "assignment_statement"):
        if node.type == "keyed_element":
            kids = [c for c in node.named_children if c.type != "comment"]
            if len(kids) >= 2 and go.text(kids[0]).strip() == "InsecureSkipVerify" and \
                    go.text(kids[-1]).strip() == "true" and _tls_literal(node, tls_name):
                yield Hit(go.line(node), message="`InsecureSkipVerify: true` disables TLS certificate and host "
                                                 "name verification")
        else:
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is None or right is None:
                continue
            lefts, rights = left.named_children, right.named_children
            for lhs, rhs in zip(lefts, rights, strict=False):
                if go.text(lhs).endswith(".InsecureSkipVerify") and go.text(rhs).strip() == "true" and \
                        (tls_name or "tls" in go.text(lhs).lower()):
                    yield Hit(go.line(node), message=f"`{go.text(lhs)} = true` disables TLS certificate "
                                                     "verification")
