"""web.csrf-disabled: CSRF protection switched off or bypassed for state-changing views."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang.python import call_name, dotted
from checks.registry import Context, Example, rule
from checks.security import _web
from checks.source import SourceFile

_FLAGS = {"WTF_CSRF_ENABLED", "CSRF_ENABLED", "CSRF_PROTECTION", "ENABLE_CSRF", "CSRF_PROTECT", "CSRF_CHECK",
          "WTF_CSRF_CHECK_DEFAULT"}
_CSRF_MW = "django.middleware.csrf.CsrfViewMiddleware"
_SESSION_MW = ("django.contrib.sessions.middleware.SessionMiddleware",
               "django.contrib.auth.middleware.AuthenticationMiddleware")
# Token/signature-authenticated endpoints legitimately skip CSRF (the catalog's "not" case).
_TOKEN_HINT = re.compile(r"(?i)token|bearer|jwt|api[ _-]?key|webhook|signature|signed|hmac|oauth|callback|"
                         r"machine[- ]to[- ]machine|server[- ]to[- ]server|no cookies|stateless")
_TOKEN_DECORATORS = re.compile(r"(?i)authentication_classes|api_view|token_required|jwt_required|require_api_key|"
                               r"api_key_required|verify_signature|signature_required|webhook|auth_required_token|"
                               r"require_GET|require_safe|require_http_methods\(\s*\[\s*['\"]GET")
_SIGNATURE_CALL = re.compile(r"(?i)hmac|compare_digest|signature|construct_event|verify_webhook|verify_token|"
                             r"authenticate_header|bearer")
_CSRF_TOKEN_WORDS = re.compile(r"(?i)csrf[_ -]?tokens?|xsrf[_ -]?tokens?")


def _declares_token_auth(text: str) -> bool:
    return bool(_TOKEN_HINT.search(_CSRF_TOKEN_WORDS.sub("", text)))


_TEST_CLASS = re.compile(r"(?i)test|dev|local|debug")


@rule(
    "web.csrf-disabled",
    severity="HIGH",
    area="security",
    title="CSRF protection disabled",
    why="Without CSRF protection any website a logged-in user visits can submit forms and requests to the app "
        "with the user's cookies, changing their data or settings without their knowledge.",
    fix="Keep CSRF protection on (Django `CsrfViewMiddleware`, Flask-WTF `CSRFProtect`); exempt only endpoints "
        "that authenticate with a bearer token or a verified signature, and say so in a comment next to the "
        "exemption.",
    kinds={"python", "js", "yaml", "env", "json", "toml", "ini"},
    example=Example(
        path="shop/views.py",
        bad='from django.http import JsonResponse\nfrom django.views.decorators.csrf import csrf_exempt\n\n\n'
            '@csrf_exempt\ndef update_profile(request):\n    request.user.profile.update(request.POST)\n'
            '    return JsonResponse({"ok": True})\n',
        good='from django.http import JsonResponse\nfrom django.views.decorators.http import require_POST\n\n\n'
             '@require_POST\ndef update_profile(request):\n    request.user.profile.update(request.POST)\n'
             '    return JsonResponse({"ok": True})\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "csrf" not in f.text.lower() and "MIDDLEWARE" not in f.text:
        return
    if _web.is_dev_settings(f.path):
        return
    if "python" in f.kinds:
        yield from _python(f)
    elif "js" in f.kinds:
        yield from _javascript(f)
    elif f.kinds & {"env", "yaml", "json", "toml", "ini"}:
        yield from _config(f)


# --- Python ---------------------------------------------------------------------------------

def _python(f: SourceFile) -> Iterator[Hit]:
    imports = f.python_imports
    parent_of = f.python_parents
    csrf_objects = {t.id for n in f.python_of(ast.Assign) if isinstance(n.value, ast.Call)
                    and call_name(n.value, imports).endswith("CSRFProtect")
                    for t in n.targets if isinstance(t, ast.Name)}
    for node in f.python_of(ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Call, ast.Assign,
                            ast.AnnAssign):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield from _exempt_decorators(f, node, imports, csrf_objects)
        elif isinstance(node, ast.Call):
            name = call_name(node, imports)
            # path("hook/", csrf_exempt(view)) and method_decorator(csrf_exempt, name="dispatch") on classes
            if name.endswith("csrf_exempt") and node.args and not _is_decorator(node, parent_of):
                if not _declares_token_auth(_web.comments_near(f.lines, node.lineno, before=2)):
                    yield Hit(node.lineno, message="`csrf_exempt(...)` turns off CSRF protection for this view")
            elif name in ("MIDDLEWARE.remove", "settings.MIDDLEWARE.remove") and node.args and \
                    (_web.const_str(node.args[0]) or "").endswith("CsrfViewMiddleware"):
                yield Hit(node.lineno, message="`CsrfViewMiddleware` is removed from `MIDDLEWARE`")
            elif name.endswith(".update") and _is_app_config(node.func):
                for kw in node.keywords:
                    if kw.arg in _FLAGS and _web.is_false(kw.value) and not _in_test_context(node, parent_of):
                        yield Hit(node.lineno, message=f"`{kw.arg}=False` turns off CSRF protection")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                flag = t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else \
                    _web.const_str(t.slice) if isinstance(t, ast.Subscript) else None
                if flag in _FLAGS and _web.is_false(node.value) and not _in_test_context(node, parent_of):
                    yield Hit(node.lineno, message=f"`{flag} = False` turns off CSRF protection")
                if isinstance(t, ast.Name) and t.id == "MIDDLEWARE" and isinstance(node.value, (ast.List, ast.Tuple)):
                    yield from _middleware(f, node)
                elif isinstance(t, ast.Name) and t.id == "MIDDLEWARE" and _filters_out_csrf(node.value):
                    yield Hit(node.lineno, message="`MIDDLEWARE` is rebuilt without `CsrfViewMiddleware`")


def _filters_out_csrf(value: ast.expr | None) -> bool:
    """`[m for m in BASE if m != "...CsrfViewMiddleware"]` / `... if "Csrf" not in m`."""
    if not isinstance(value, (ast.ListComp, ast.GeneratorExp, ast.Call)):
        return False
    for node in ast.walk(value):
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.NotEq, ast.NotIn, ast.IsNot))
                                                 for op in node.ops):
            for side in (node.left, *node.comparators):
                if "Csrf" in (_web.const_str(side) or ""):
                    return True
    return False


def _is_decorator(call: ast.Call, parent_of: dict[ast.AST, ast.AST]) -> bool:
    parent = parent_of.get(call)
    if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and call in parent.decorator_list:
        return True
    return False


def _is_app_config(func: ast.expr) -> bool:
    return (dotted(func) or "").endswith("config.update")


def _in_test_context(node: ast.AST, parent_of: dict[ast.AST, ast.AST]) -> bool:
    for d in _web.enclosing_defs(node, parent_of):
        if _TEST_CLASS.search(d.name):  # type: ignore[attr-defined]
            return True
    return _web.under_if_debug(node, parent_of)


def _exempt_decorators(f: SourceFile, node: ast.AST, imports: dict[str, str], csrf_objects: set[str]
                       ) -> Iterator[Hit]:
    decs = node.decorator_list  # type: ignore[attr-defined]
    exempt = None
    for dec in decs:
        target = dec.func if isinstance(dec, ast.Call) else dec
        qn = ((call_name(dec, imports) if isinstance(dec, ast.Call) else None) or
              (dotted(target) or ""))
        resolved = imports.get(qn.split(".")[0], qn.split(".")[0]) + qn[len(qn.split(".")[0]):]
        if resolved.endswith("csrf_exempt") or (qn.endswith(".exempt") and
                                                (qn.split(".")[0] in csrf_objects or "csrf" in qn.lower())):
            exempt = dec
        elif isinstance(dec, ast.Call) and resolved.endswith("method_decorator") and dec.args and \
                (dotted(dec.args[0]) or "").endswith("csrf_exempt"):
            exempt = dec
    if exempt is None:
        return
    others = " ".join(ast.unparse(d) for d in decs if d is not exempt)
    if _TOKEN_DECORATORS.search(others):
        return
    first = min(d.lineno for d in decs)
    if _declares_token_auth(_web.comments_near(f.lines, exempt.lineno, before=max(2, exempt.lineno - first + 2),
                                             after=node.lineno - exempt.lineno + 1)):
        return
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and ast.get_docstring(node) and \
            _declares_token_auth(ast.get_docstring(node) or ""):
        return
    body_calls = " ".join(dotted(c.func) or "" for c in ast.walk(node) if isinstance(c, ast.Call))
    if _SIGNATURE_CALL.search(body_calls):
        return
    name = getattr(node, "name", "view")
    yield Hit(exempt.lineno, message=f"`{ast.unparse(exempt)}` turns off CSRF protection for `{name}`")


def _middleware(f: SourceFile, node: ast.Assign | ast.AnnAssign) -> Iterator[Hit]:
    value = node.value
    items = _web.str_items(value) or []
    if _CSRF_MW in items:
        return
    end = getattr(node, "end_lineno", node.lineno)
    for n in range(node.lineno, end + 1):
        line = f.line(n)
        if re.match(r"^\s*#.*CsrfViewMiddleware", line):
            yield Hit(n, message="`CsrfViewMiddleware` is commented out of `MIDDLEWARE`")
            return
    if any(mw in items for mw in _SESSION_MW) and not _web.is_non_prod_path(f.path):  # examples/, docs/
        yield Hit(node.lineno, message="`MIDDLEWARE` uses sessions but does not include `CsrfViewMiddleware`")


# --- JavaScript / config -------------------------------------------------------------------

_JS_CSRF_OFF = re.compile(r"""\b['"]?(csrf|csrfProtection|enableCsrf|csrfEnabled)['"]?\s*:\s*false\b""")
_JS_CHECK_ORIGIN = re.compile(r"""\bcsrf\s*:\s*\{[^}]*\bcheckOrigin\s*:\s*false""", re.S)


def _javascript(f: SourceFile) -> Iterator[Hit]:
    text = _web.strip_js_comments(f.text)
    for m in _JS_CSRF_OFF.finditer(text):
        yield Hit(f.line_at(m.start()), message=f"`{m.group(1)}: false` turns off CSRF protection")
    for m in _JS_CHECK_ORIGIN.finditer(text):
        off = text.find("checkOrigin", m.start())
        yield Hit(f.line_at(off), message="`csrf.checkOrigin: false` turns off SvelteKit's CSRF protection")


_CFG_OFF = re.compile(r"""(?im)^[ \t]*(?:export[ \t]+)?["']?((?:WTF_)?CSRF[_-]?(?:ENABLED|PROTECTION)?|csrf|enable[_-]?csrf|"""
                      r"""csrf[_-]?enabled)["']?\s*[:=]\s*["']?(false|0|no|off)["']?\s*,?\s*(?:[#;].*)?$""")


def _config(f: SourceFile) -> Iterator[Hit]:
    text = _web.strip_hash_comments(f.text)
    for m in _CFG_OFF.finditer(text):
        yield Hit(f.line_at(m.start(1)), message=f"`{m.group(1)}` is set to `{m.group(2)}`, turning off CSRF "
                                                 "protection")
