"""net.tls-verify-off: TLS certificate verification switched off."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.lang import golang as go
from checks.lang.pyflow import Flow
from checks.lang.python import anchor_line, call_name, dotted, qualname
from checks.model import Hit, Severity
from checks.registry import Context, Example, rule
from checks.security._net import go_enclosing_func, go_local_name
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
    # `VERIFY_SSL = False` ... `requests.get(u, verify=VERIFY_SSL)`; `kw = {"verify": False}` ... `get(u, **kw)`
    flow = Flow(tree, parent)
    for node in f.python_of(ast.Call, ast.Dict, ast.Assign, ast.AnnAssign):
        if isinstance(node, ast.Call):
            # the (costly) ancestor test only for calls that would be reported
            hits = list(_py_call(node, imports, http_module, flow))
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
                elif target.attr == "verify" and flow.is_false(value) and http_module:
                    yield Hit(node.lineno, message=f"`{tname} = False` turns off TLS verification for every "
                                                   "request of this session")
                elif target.attr == "_create_default_https_context" and value is not None and \
                        (qualname(value, imports) or "").endswith("_create_unverified_context"):
                    yield Hit(node.lineno, message="The default HTTPS context is replaced with an unverified one "
                                                   "for the whole process")


def _py_call(node: ast.Call, imports: dict[str, str], http_module: bool, flow: Flow) -> Iterator[Hit]:
    name = call_name(node, imports)
    if name.endswith("_create_unverified_context") and name.startswith(("ssl.", "_create")):
        yield Hit(node.lineno, message=f"`{dotted(node.func)}()` creates an SSL context that accepts "
                                       "any certificate")
        return
    if name.startswith(_NOT_TLS):
        return
    verify = flow.keyword(node, "verify")
    short = name.rsplit(".", 1)[-1]
    lib_call = name.split(".")[0] in _HTTP_LIBS
    if flow.constant(verify) is False and (lib_call or (http_module and short in _HTTP_METHODS)):
        yield Hit(anchor_line(node, verify), end_line=node.end_lineno,
                  message=f"`{dotted(node.func)}(..., verify=False)` skips TLS certificate verification")
        return
    for key in ("ssl", "verify_ssl"):
        value = flow.keyword(node, key)
        if flow.constant(value) is False and (name.startswith("aiohttp.") or (
                "aiohttp" in {v.split(".")[0] for v in imports.values()} and short in _HTTP_METHODS)):
            yield Hit(anchor_line(node, value), end_line=node.end_lineno,
                      message=f"`{dotted(node.func)}(..., {key}=False)` skips TLS certificate verification")
            break
    else:
        reqs = flow.keyword(node, "cert_reqs")
        if _cert_none(flow.resolve(reqs), imports):
            yield Hit(anchor_line(node, reqs), end_line=node.end_lineno,
                      message=f"`{dotted(node.func)}(..., cert_reqs=CERT_NONE)` skips certificate checks")


def _tls_literal(node, tls_name: str | None) -> bool:
    """The keyed element sits in a `tls.Config{...}` literal (not e.g. websocket.AcceptOptions)."""
    for anc in go.ancestors(node):
        if anc.type == "composite_literal":
            typ = go.text(anc.child_by_field_name("type"))
            return bool(tls_name) and re.search(rf"(^|[\]*&\s]){re.escape(tls_name or '')}\.Config$", typ) is not None
    return False


_GO_OWN_CHECK = re.compile(r"VerifyPeerCertificate|VerifyConnection|\.PeerCertificates\b")
_GO_OPT_IN = re.compile(r"(?i)insecure|skip_?verify|skipverify|ignore\w*(tls|ssl|cert)|(tls|ssl|cert)\w*(error|verify)|"
                        r"self_?signed|allow_?invalid")


def _go_context(node) -> tuple[Severity | None, str | None]:
    """Lower the severity when the code verifies certificates itself (an expiry or pinning check reading
    `PeerCertificates`) or only skips verification behind an explicit opt-in flag."""
    func = go_enclosing_func(node)
    if func is not None and _GO_OWN_CHECK.search(go.text(func)):
        return Severity.LOW, "LOW: the code inspects the peer certificates itself (an expiry or pinning check)"
    for anc in go.ancestors(node):
        if anc is func:
            break
        if anc.type == "if_statement":
            cond = go.text(anc.child_by_field_name("condition"))
            if _GO_OPT_IN.search(cond):
                return Severity.MEDIUM, f"MEDIUM: only when `{cond.strip()[:60]}` opts in"
    return None, None


def _go(f: SourceFile) -> Iterator[Hit]:
    for hit in _go_hits(f):
        severity, note = _go_context(hit[0])
        yield Hit(go.line(hit[0]), message=hit[1], severity=severity, note=note)


def _go_hits(f: SourceFile) -> Iterator[tuple]:
    root = f.go
    tls_name = go_local_name(root, "crypto/tls")
    for node in go.walk(root, "keyed_element", "assignment_statement"):
        if node.type == "keyed_element":
            kids = [c for c in node.named_children if c.type != "comment"]
            if len(kids) >= 2 and go.text(kids[0]).strip() == "InsecureSkipVerify" and \
                    go.text(kids[-1]).strip() == "true" and _tls_literal(node, tls_name):
                yield node, "`InsecureSkipVerify: true` disables TLS certificate and host name verification"
        else:
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is None or right is None:
                continue
            lefts, rights = left.named_children, right.named_children
            for lhs, rhs in zip(lefts, rights, strict=False):
                if go.text(lhs).endswith(".InsecureSkipVerify") and go.text(rhs).strip() == "true" and \
                        (tls_name or "tls" in go.text(lhs).lower()):
                    yield node, f"`{go.text(lhs)} = true` disables TLS certificate verification"
