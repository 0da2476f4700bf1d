"""auth.jwt-no-verify: JWTs decoded without verifying the signature or the algorithm."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.lang import golang as go
from checks.lang.pyflow import Flow
from checks.lang.python import anchor_line, call_name
from checks.model import Hit, Severity
from checks.registry import Context, Example, rule
from checks.security import _web
from checks.source import SourceFile

_GO_JWT = ("golang-jwt/jwt", "dgrijalva/jwt-go", "form3tech-oss/jwt-go", "lestrrat-go/jwx", "square/go-jose",
           "go-jose/go-jose", "cristalhq/jwt", "kataras/jwt", "pascaldekloe/jwt")
_METHOD_CHECK = re.compile(r"\.Method\b|\.Header\[\s*\"alg\"\s*\]|\bAlg\(\)|SigningMethod")


@rule(
    "auth.jwt-no-verify",
    severity="CRITICAL",
    area="security",
    title="JWT decoded without signature/algorithm verification",
    why="A token whose signature (or algorithm) is not verified can be forged by anyone: they can set any "
        "`sub`/role claim, or switch the algorithm to `none` or to HMAC keyed with the public key.",
    fix="Verify every token: pass the key and an explicit algorithm list (`jwt.decode(tok, key, "
        "algorithms=[\"RS256\"])`); in Go check `token.Method` in the keyfunc or use "
        "`jwt.WithValidMethods([]string{\"RS256\"})`, and never use `ParseUnverified` for authentication.",
    kinds={"python", "go", "js"},
    example=Example(
        path="app/auth.py",
        bad='import jwt\n\n\ndef current_user(token: str) -> str:\n'
            '    claims = jwt.decode(token, options={"verify_signature": False})\n    return claims["sub"]\n',
        good='import jwt\n\n\ndef current_user(token: str, key: str) -> str:\n'
             '    claims = jwt.decode(token, key, algorithms=["HS256"])\n    return claims["sub"]\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "python" in f.kinds:
        yield from _python(f)
    elif "go" in f.kinds:
        yield from _golang(f)
    elif "js" in f.kinds:
        yield from _javascript(f)


# --- Python ---------------------------------------------------------------------------------

def _python(f: SourceFile) -> Iterator[Hit]:
    if "jwt" not in f.text.lower() and "jose" not in f.text.lower():
        return
    imports = f.python_imports
    flow = Flow(f.python, f.python_parents)
    unverified: list[tuple[int, str]] = []
    verifies = False  # the module also decodes tokens with a key and verification on
    for call in f.python_of(ast.Call):
        name = call_name(call, imports)
        short = name.rsplit(".", 1)[-1]
        if short not in ("decode", "decode_complete", "get_unverified_claims"):
            continue
        jwtish = bool(re.search(r"(^|\.)(jwt|jose|jwt_api|api_jwt|PyJWT\(\)|JWT\(\)|jws)(\.|$)", name, re.I)) \
            or "jwt" in name.lower()
        # options={"verify_signature": False}, given inline, through a variable or inside **kwargs
        vs = flow.dict_entry(flow.keyword(call, "options"), "verify_signature")
        if flow.is_false(vs):
            unverified.append((anchor_line(call, vs),
                               "`jwt.decode(..., options={\"verify_signature\": False})` accepts forged tokens"))
            continue
        if not jwtish:
            continue
        verify = flow.keyword(call, "verify")
        if flow.is_false(verify):
            unverified.append((anchor_line(call, verify),
                               "`jwt.decode(..., verify=False)` skips signature verification"))
            continue
        algs_arg = flow.keyword(call, "algorithms") or flow.keyword(call, "algorithm")
        algs = _web.str_items(flow.resolve(algs_arg))
        if algs and any(a.lower() == "none" for a in algs):
            yield Hit(anchor_line(call, algs_arg), message="`algorithms` allows `none`, so unsigned tokens are "
                                                           "accepted")
        elif short == "decode" and (len(call.args) > 1 or flow.keyword(call, "key") is not None):
            verifies = True
    for line, message in unverified:
        if verifies:
            # reading the claims of a token this module verifies elsewhere: dangerous only on a path that
            # skips that verification
            yield Hit(line, severity=Severity.MEDIUM, message=message + "; verify that every caller checked the "
                      "token first", note="MEDIUM: this module also verifies tokens with a key")
        else:
            yield Hit(line, message=message)


# --- Go -------------------------------------------------------------------------------------

def _golang(f: SourceFile) -> Iterator[Hit]:
    root = f.go
    pkgs = _web.go_pkg_names(root, *_GO_JWT)
    if not pkgs:
        return
    funcs = _web.go_top_funcs(root)
    checked_parsers = _checked_parser_vars(root)
    for call in go.walk(root, "call_expression"):
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "selector_expression":
            continue
        operand = go.text(fn.child_by_field_name("operand"))
        method = go.text(fn.child_by_field_name("field"))
        args = go.call_args(call)
        args_text = " ".join(go.text(a) for a in args)
        if method in ("ParseUnverified", "ParseInsecure", "UnsafeClaimsWithoutVerification"):
            yield Hit(go.line(call), message=f"`{method}` reads the token without checking its signature")
            continue
        if re.search(r"\bWithVerify\(\s*false\s*\)", args_text):
            yield Hit(go.line(call), message="`WithVerify(false)` turns off signature verification")
            continue
        if method not in ("Parse", "ParseWithClaims"):
            continue
        direct = operand in pkgs
        last = operand.rsplit(".", 1)[-1]
        if not direct and last not in checked_parsers and not re.search(r"NewParser\(|Parser\{", operand):
            continue
        if "WithValidMethods" in args_text or "ValidMethods" in operand or checked_parsers.get(last):
            continue
        index = 2 if method == "ParseWithClaims" else 1
        keyfunc = args[index] if len(args) > index else None
        if keyfunc is None:
            continue
        if keyfunc.type == "func_literal":
            body = keyfunc.child_by_field_name("body")
        elif keyfunc.type == "identifier" and go.text(keyfunc) in funcs:
            body = funcs[go.text(keyfunc)].child_by_field_name("body")
        elif keyfunc.type == "selector_expression":
            decl = funcs.get(go.text(keyfunc.child_by_field_name("field")))
            body = decl.child_by_field_name("body") if decl is not None and decl.type == "method_declaration" \
                else None
        else:
            body = None
        if body is None:
            continue
        if not _METHOD_CHECK.search(go.text(body)):
            yield Hit(go.line(call), message=f"The keyfunc passed to `{operand}.{method}` never checks "
                                             "`token.Method`, so an attacker can pick the algorithm")


def _checked_parser_vars(root: go.Node) -> dict[str, bool]:
    """Parser variables (`p := jwt.NewParser(...)`) -> whether they were built with valid methods."""
    out: dict[str, bool] = {}
    for node in go.walk(root, "short_var_declaration", "assignment_statement", "var_spec", "keyed_element",
                        "field_declaration"):
        src = go.text(node)
        if not re.search(r"NewParser\(|Parser\{|\*?jwt\.Parser\b", src):
            continue
        m = re.match(r"\s*(?:var\s+)?([\w.]+)", src)
        if m:
            name = m.group(1).rsplit(".", 1)[-1]
            out[name] = out.get(name, False) or "ValidMethods" in src
    return out


# --- JavaScript / TypeScript ---------------------------------------------------------------

_JS_NONE = re.compile(r"""\balgorithms\s*:\s*\[[^\]]*['"]none['"]""", re.I)


def _javascript(f: SourceFile) -> Iterator[Hit]:
    if ("jwt" not in f.text.lower() and "jose" not in f.text.lower()) or _web.is_vendored_js(f.path):
        return
    text = _web.strip_js_comments(f.text)
    for m in _JS_NONE.finditer(text):
        yield Hit(f.line_at(m.start()), message="`algorithms` allows `none`, so unsigned tokens are accepted")
