"""web.html-injection for Python: f-strings, `%`, `.format()` and `+` building HTML for a response or e-mail."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.lang.python import call_name, dotted
from checks.model import Hit
from checks.security import _web
from checks.security._html_inject import ESCAPE_FN, TAG
from checks.source import SourceFile

_SINK_CALL = re.compile(r"(^|\.)(HTMLResponse|HttpResponse|Response|make_response|render_template_string|"
                        r"MIMEText|send_mail|send_email|send_mass_mail|EmailMessage|EmailMultiAlternatives|"
                        r"attach_alternative|add_alternative|set_content|write|HttpResponseBadRequest|"
                        r"HttpResponseNotFound|HttpResponseForbidden|StreamingHttpResponse|PlainTextResponse)$")
_SINK_KW = re.compile(r"(?i)^(html|html_message|html_body|body_html|html_content|htmlbody|content|text|body)$")


def check(f: SourceFile) -> Iterator[Hit]:
    reported: set[int] = set()
    if "<" in f.text:
        yield from _formatted(f, reported)
    if "request" in f.text:
        yield from _reflected(f, reported)


def _formatted(f: SourceFile, reported: set[int]) -> Iterator[Hit]:
    imports = f.python_imports
    parent_of = f.python_parents
    flask = any(v.startswith(("flask", "quart")) for v in imports.values())
    # Names whose every assignment in the module is constant-ish or escaped are safe to interpolate.
    values: dict[str, list[ast.expr | None]] = {}
    for n in f.python_of(ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.comprehension,
                         ast.FunctionDef, ast.AsyncFunctionDef):
        if isinstance(n, ast.Assign):
            for t in n.targets:
                if isinstance(t, ast.Name):
                    values.setdefault(t.id, []).append(n.value)
        elif isinstance(n, (ast.AugAssign, ast.AnnAssign)) and isinstance(n.target, ast.Name):
            values.setdefault(n.target.id, []).append(n.value)
        elif isinstance(n, (ast.For, ast.comprehension)) and isinstance(n.target, ast.Name):
            values.setdefault(n.target.id, []).append(None)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for p in _web.py_param_names(n):
                values.setdefault(p, []).append(None)
    safe = frozenset(k for k, vs in values.items() if vs and all(_constantish(v, imports) for v in vs))
    for node in f.python_of(ast.JoinedStr, ast.BinOp, ast.Call):
        unsafe = _py_unsafe_html(node, imports, safe)
        if unsafe is None:
            continue
        if isinstance(parent_of.get(node), ast.BinOp) and _py_unsafe_html(parent_of[node], imports, safe) is not None:
            continue  # report the outermost expression once
        if _py_reaches_sink(node, parent_of, imports, flask) and node.lineno not in reported:
            reported.add(node.lineno)
            yield Hit(node.lineno, message=f"HTML is built with `{unsafe}` interpolated without escaping")


def _constantish(v: ast.expr | None, imports: dict[str, str]) -> bool:
    """Literals, and f-strings/attribute chains made of constants (`HTTPStatus.NOT_FOUND.phrase`)."""
    if v is None:
        return False
    if isinstance(v, ast.Constant):
        return True
    if isinstance(v, ast.JoinedStr):
        return all(isinstance(x, ast.Constant) or (isinstance(x, ast.FormattedValue) and
                                                   _constantish(x.value, imports)) for x in v.values)
    if isinstance(v, ast.Attribute):
        return any(seg.isupper() and len(seg) > 1 for seg in (dotted(v) or "").split("."))
    if isinstance(v, ast.Call):
        if isinstance(v.func, ast.Attribute) and v.func.attr == "format" and isinstance(v.func.value, ast.Constant):
            # "{0.value} {0.phrase}".format(HTTPStatus.INTERNAL_SERVER_ERROR): constants formatted together
            return all(_constantish(a, imports) for a in [*v.args, *(k.value for k in v.keywords)])
        return bool(ESCAPE_FN.search(call_name(v, imports)))
    return False


def _py_safe_value(v: ast.expr, imports: dict[str, str], safe: frozenset[str] = frozenset()) -> bool:
    if isinstance(v, ast.Name) and v.id in safe:
        return True
    if isinstance(v, ast.Constant) or _constantish(v, imports):
        return True
    if isinstance(v, ast.Call):
        return bool(ESCAPE_FN.search(call_name(v, imports)))
    if isinstance(v, ast.Name) and v.id.isupper():
        return True
    return False


def _py_unsafe_html(node: ast.AST, imports: dict[str, str], safe: frozenset[str] = frozenset()) -> str | None:
    """The first unescaped value interpolated into an HTML-looking string expression, else None."""
    if isinstance(node, ast.JoinedStr):
        literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        if not TAG.search(literal):
            return None
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                spec = ast.unparse(v.format_spec) if v.format_spec is not None else ""
                if re.search(r"[dfeg%]'?\)?$", spec.strip("f'\"")):
                    continue
                if not _py_safe_value(v.value, imports, safe):
                    return ast.unparse(v.value)
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and _web.const_str(node.left) is not None:
        if not TAG.search(_web.const_str(node.left) or ""):
            return None
        values = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        if isinstance(node.right, ast.Dict):
            values = list(node.right.values)
        for v in values:
            if not _py_safe_value(v, imports, safe):
                return ast.unparse(v)
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts = _flatten_add(node)
        if not any(TAG.search(_web.const_str(p) or "") for p in parts):
            return None
        for p in parts:
            if isinstance(p, ast.JoinedStr):
                inner = _py_unsafe_html(p, imports, safe) if TAG.search(ast.unparse(p)) else \
                    next((ast.unparse(v.value) for v in p.values if isinstance(v, ast.FormattedValue)
                          and not _py_safe_value(v.value, imports, safe)), None)
                if inner:
                    return inner
            elif not _py_safe_value(p, imports, safe) and not isinstance(p, ast.BinOp):
                return ast.unparse(p)
        return None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        tmpl = _web.const_str(node.func.value)
        if tmpl is None or not TAG.search(tmpl):
            return None
        for v in [*node.args, *(k.value for k in node.keywords)]:
            if not _py_safe_value(v, imports, safe):
                return ast.unparse(v)
    return None


def _flatten_add(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _flatten_add(node.left) + _flatten_add(node.right)
    return [node]


def _py_reaches_sink(node: ast.AST, parent_of: dict[ast.AST, ast.AST], imports: dict[str, str], flask: bool
                     ) -> bool:
    cur, child = parent_of.get(node), node
    while isinstance(cur, (ast.BinOp, ast.JoinedStr, ast.FormattedValue, ast.IfExp, ast.keyword)):
        if isinstance(cur, ast.keyword) and not _SINK_KW.match(cur.arg or ""):
            return False
        child, cur = cur, parent_of.get(cur)
    fn = next((d for d in _web.enclosing_defs(node, parent_of)
               if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
    handler = fn is not None and (_web.is_py_handler(fn, parent_of) or _returns_html(fn, flask))

    def sink(call: ast.Call) -> bool:
        kind = _is_sink(call, imports)
        return kind == "mail" or (kind == "http" and handler)

    if isinstance(cur, ast.Call) and (child in cur.args or child in cur.keywords) and sink(cur):
        return True
    if isinstance(cur, ast.Return):
        return fn is not None and _returns_html(fn, flask)
    if isinstance(cur, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and fn is not None:
        targets = cur.targets if isinstance(cur, ast.Assign) else [cur.target]
        names = {t.id for t in targets if isinstance(t, ast.Name)}
        if not names:
            return False
        for use in ast.walk(fn):
            if isinstance(use, ast.Call) and sink(use):
                vals = [*use.args, *(k.value for k in use.keywords if _SINK_KW.match(k.arg or "") or k.arg is None)]
                if any(isinstance(n, ast.Name) and n.id in names for v in vals for n in ast.walk(v)):
                    return True
            if isinstance(use, ast.Return) and use.value is not None and _returns_html(fn, flask) and \
                    any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(use.value)):
                return True
    return False


_MAIL = {"MIMEText", "send_mail", "send_email", "send_mass_mail", "EmailMessage", "EmailMultiAlternatives",
         "attach_alternative", "add_alternative", "set_content"}


def _is_sink(call: ast.Call, imports: dict[str, str]) -> str | None:
    """"http" for an HTML response, "mail" for an HTML email, else None."""
    name = call_name(call, imports)
    if not _SINK_CALL.search(name) or "json" in name.lower():
        return None
    short = name.rsplit(".", 1)[-1]
    if short == "MIMEText":
        html = any(_web.const_str(a) == "html" for a in call.args[1:]) or \
            _web.const_str(next((k.value for k in call.keywords if k.arg == "_subtype"), None)) == "html"
        return "mail" if html else None
    if short in ("set_content", "add_alternative"):
        html = _web.const_str(next((k.value for k in call.keywords if k.arg == "subtype"), None)) == "html"
        return "mail" if html else None
    if short in _MAIL:
        return "mail"
    if short == "write":
        return "http" if (dotted(call.func) or "").startswith(("self.write", "response.write", "resp.write")) \
            else None
    if short == "PlainTextResponse":
        return None
    if short == "Response":
        mt = next((k.value for k in call.keywords if k.arg in ("media_type", "content_type", "mimetype")), None)
        return "http" if mt is None or "html" in (_web.const_str(mt) or "html") else None
    return "http"


def _returns_html(fn: ast.AST, flask: bool) -> bool:
    for dec in getattr(fn, "decorator_list", []):
        if isinstance(dec, ast.Call):
            rc = next((k.value for k in dec.keywords if k.arg == "response_class"), None)
            if rc is not None and "HTML" in (dotted(rc) or ""):
                return True
    return flask and _web.is_route_decorated(fn)


# --- request data echoed into an HTML response (no markup needed: the response is text/html) -------------

_REQUEST_DATA = re.compile(r"^(?:self\.)?(?:request|req)\.(?:GET|POST|args|form|values|query_params|path_params|"
                           r"cookies|headers|data|json|body|REQUEST|COOKIES|META|match_info|query)\b")


def _request_data(node: ast.AST, fn: ast.AST, depth: int = 0) -> str | None:
    """Request data that becomes the response text in `node`: directly, through string building, or through a
    local assigned from it. Other calls (`redirect(...)`, `render_template(...)`, escaping) end the search."""
    if isinstance(node, ast.Attribute) and _REQUEST_DATA.match(dotted(node) or ""):
        return ast.unparse(node)
    if isinstance(node, ast.Call):
        func = dotted(node.func) or ""
        if _REQUEST_DATA.match(func):
            return func  # request.args.get("q")
        if func.rsplit(".", 1)[-1] not in _STRING_BUILDERS:
            return None
        parts: list[ast.AST] = [*node.args, node.func]
    elif isinstance(node, ast.Name) and depth < 3:
        parts = [a.value for a in ast.walk(fn) if isinstance(a, ast.Assign)
                 and any(isinstance(t, ast.Name) and t.id == node.id for t in a.targets)]
        depth += 1
    elif isinstance(node, (ast.BinOp, ast.JoinedStr, ast.FormattedValue, ast.Tuple, ast.List, ast.Dict, ast.IfExp)):
        parts = list(ast.iter_child_nodes(node))
    else:
        return None
    return next((found for p in parts if (found := _request_data(p, fn, depth))), None)


_STRING_BUILDERS = {"str", "format", "join", "strip", "lower", "upper", "replace", "get", "getlist"}


def _reflected(f: SourceFile, reported: set[int]) -> Iterator[Hit]:
    imports = f.python_imports
    parent_of = f.python_parents
    for call in f.python_of(ast.Call):
        if _is_sink(call, imports) != "http" or not (call.args or call.keywords) or \
                "rest_framework" in call_name(call, imports):
            continue  # DRF's Response renders data as JSON
        fn = next((d for d in _web.enclosing_defs(call, parent_of)
                   if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
        if fn is None or not _web.is_py_handler(fn, parent_of):
            continue
        content = call.args[0] if call.args else next(
            (k.value for k in call.keywords if _SINK_KW.match(k.arg or "")), None)
        source = _request_data(content, fn) if content is not None else None
        if any(fn.lineno <= n <= call.lineno for n in reported):
            continue  # the HTML this response sends was already reported where it was formatted
        if source:
            reported.add(call.lineno)
            yield Hit(call.lineno, message=f"The HTML response echoes request data `{source}` without escaping it")
