"""web.html-injection: HTML built by string formatting from unescaped variables."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang as go
from checks.lang.python import call_name, dotted
from checks.registry import Context, Example, rule
from checks.security import _web
from checks.source import SourceFile

_TAG = re.compile(r"<\s*/?\s*(?:a|abbr|b|body|br|button|code|div|em|form|h[1-6]|head|hr|html|i|iframe|img|input|"
                  r"label|li|link|meta|ol|option|p|pre|script|select|small|span|strong|style|table|tbody|td|"
                  r"textarea|th|thead|title|tr|u|ul|svg|details|summary|section|article|header|footer|nav|main|"
                  r"font|center|blockquote|dl|dt|dd|figure|caption|video|audio|source|object|embed|!DOCTYPE)"
                  r"(?=[\s/>])", re.I)
_ESCAPE_FN = re.compile(r"(?i)escape|sanitize|sanitise|bleach|clean|quote|purify|encode|urlencode|strconv|"
                        r"itoa|format_html|json\.dumps|^int$|^len$|^float$|^str\(int|^round$|^abs$|count|"
                        r"^humanize|isoformat|strftime|^Format$")
_GO_SAFE_VERBS = set("dbBoOxXeEfFgGtcUpT")
_GO_VERB = re.compile(r"%(\[\d+\])?[-+# 0]*(\*|\d+)?(?:\.(\*|\d+)?)?([a-zA-Z%])")


@rule(
    "web.html-injection",
    severity="CRITICAL",
    area="security",
    title="HTML built from unescaped variables",
    why="Interpolating request data, database values or error text into HTML without escaping lets anyone who "
        "controls that text inject script into the page or email (XSS, phishing content).",
    fix="Render HTML with a template engine that escapes by default (Go `html/template`, Jinja2 with "
        "autoescape, `textContent` in the browser), or escape each value (`html.EscapeString`, `html.escape`, "
        "`markupsafe.escape`, DOMPurify) before it is inserted.",
    kinds={"go", "python", "js"},
    example=Example(
        path="internal/web/hello.go",
        bad='package web\n\nimport (\n\t"fmt"\n\t"net/http"\n)\n\nfunc Hello(w http.ResponseWriter, r *http.Request) {\n'
            '\tname := r.URL.Query().Get("name")\n\tfmt.Fprintf(w, "<h1>Hello %s</h1>", name)\n}\n',
        good='package web\n\nimport (\n\t"fmt"\n\t"html"\n\t"net/http"\n)\n\n'
             'func Hello(w http.ResponseWriter, r *http.Request) {\n\tname := r.URL.Query().Get("name")\n'
             '\tfmt.Fprintf(w, "<h1>Hello %s</h1>", html.EscapeString(name))\n}\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "go" in f.kinds:
        yield from _golang(f)
    elif "python" in f.kinds:
        yield from _python(f)
    elif "js" in f.kinds:
        yield from _javascript(f)


# --- Go -------------------------------------------------------------------------------------

def _golang(f: SourceFile) -> Iterator[Hit]:
    if "<" not in f.text:
        return
    root = f.go
    fmt_names = {n for n, p in go.imports(root).items() if p == "fmt"}
    for call in go.walk(root, "call_expression") if fmt_names else ():
        name = go.call_name(call)
        pkg, _, fn = name.rpartition(".")
        if pkg not in fmt_names or fn not in ("Sprintf", "Fprintf"):
            continue
        args = go.call_args(call)
        if fn == "Fprintf":
            args = args[1:]
        if not args:
            continue
        fmt_str = go.string_value(args[0])
        if fmt_str is None or not _TAG.search(fmt_str):
            continue
        parent = call.parent.parent if call.parent is not None else None
        if parent is not None and parent.type == "call_expression" and \
                re.search(r"Escape", go.call_name(parent)):
            continue
        unsafe = _go_unsafe_args(fmt_str, args[1:])
        if unsafe:
            yield Hit(go.line(call), message=f"`{name}` puts `{unsafe}` into HTML without escaping it")
    # "<h1>Hello " + name + "</h1>"
    consts = {go.text(n) for spec in go.walk(root, "const_spec") for n in spec.children_by_field_name("name")}
    for expr in go.walk(root, "binary_expression"):
        if go.text(expr.child_by_field_name("operator")) != "+":
            continue
        parent = expr.parent
        if parent is not None and parent.type == "binary_expression" and \
                go.text(parent.child_by_field_name("operator")) == "+":
            continue  # report the outermost concatenation once
        parts = _go_concat_parts(expr)
        if not any(_TAG.search(go.string_value(p) or "") for p in parts):
            continue
        unsafe = next((p for p in parts if not _go_safe_arg(p) and go.text(p) not in consts), None)
        if unsafe is not None:
            yield Hit(go.line(expr), message=f"HTML is concatenated with `{go.text(unsafe)}` without escaping it")


def _go_concat_parts(node: go.Node) -> list[go.Node]:
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    if node.type == "binary_expression" and go.text(node.child_by_field_name("operator")) == "+":
        return _go_concat_parts(node.child_by_field_name("left")) + _go_concat_parts(node.child_by_field_name("right"))
    return [node]


def _go_unsafe_args(fmt_str: str, args: list[go.Node]) -> str | None:
    verbs = [m for m in _GO_VERB.finditer(fmt_str) if m.group(4) != "%"]
    indexed = any(m.group(1) for m in verbs)
    i = 0
    for m in verbs:
        for star in (m.group(2), m.group(3)):
            if star == "*":
                i += 1
        if i >= len(args):
            break
        arg = args[i]
        i += 1
        verb = m.group(4)
        if verb in _GO_SAFE_VERBS and not indexed:
            continue
        if _go_safe_arg(arg):
            continue
        return go.text(arg)
    return None


def _go_safe_arg(arg: go.Node) -> bool:
    if arg.type in ("interpreted_string_literal", "raw_string_literal", "int_literal", "float_literal", "true",
                    "false", "nil", "rune_literal"):
        return True
    if arg.type == "call_expression":
        fn = go.call_name(arg)
        if re.search(r"(?i)escape|sanitize|strconv\.|\blen$|\.Itoa$|Format(Int|Float|Bool)?$|\.Count$|"
                     r"template\.URL|url\.PathEscape", fn):
            return True
    if arg.type == "identifier" and arg.text.decode().isupper():
        return True  # constants
    return False


# --- Python ---------------------------------------------------------------------------------

_SINK_CALL = re.compile(r"(^|\.)(HTMLResponse|HttpResponse|Response|make_response|render_template_string|"
                        r"MIMEText|send_mail|send_email|send_mass_mail|EmailMessage|EmailMultiAlternatives|"
                        r"attach_alternative|add_alternative|set_content|write|HttpResponseBadRequest|"
                        r"HttpResponseNotFound|HttpResponseForbidden|StreamingHttpResponse|PlainTextResponse)$")
_SINK_KW = re.compile(r"(?i)^(html|html_message|html_body|body_html|html_content|htmlbody|content|text|body)$")


def _python(f: SourceFile) -> Iterator[Hit]:
    if "<" not in f.text:
        return
    imports = f.python_imports
    parent_of = f.python_parents
    flask = any(v.startswith(("flask", "quart")) for v in imports.values())
    reported: set[int] = set()
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
        return bool(_ESCAPE_FN.search(call_name(v, imports)))
    return False


def _py_safe_value(v: ast.expr, imports: dict[str, str], safe: frozenset[str] = frozenset()) -> bool:
    if isinstance(v, ast.Name) and v.id in safe:
        return True
    if isinstance(v, ast.Constant) or _constantish(v, imports):
        return True
    if isinstance(v, ast.Call):
        return bool(_ESCAPE_FN.search(call_name(v, imports)))
    if isinstance(v, ast.Name) and v.id.isupper():
        return True
    return False


def _py_unsafe_html(node: ast.AST, imports: dict[str, str], safe: frozenset[str] = frozenset()) -> str | None:
    """The first unescaped value interpolated into an HTML-looking string expression, else None."""
    if isinstance(node, ast.JoinedStr):
        literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        if not _TAG.search(literal):
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
        if not _TAG.search(_web.const_str(node.left) or ""):
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
        if not any(_TAG.search(_web.const_str(p) or "") for p in parts):
            return None
        for p in parts:
            if isinstance(p, ast.JoinedStr):
                inner = _py_unsafe_html(p, imports, safe) if _TAG.search(ast.unparse(p)) else \
                    next((ast.unparse(v.value) for v in p.values if isinstance(v, ast.FormattedValue)
                          and not _py_safe_value(v.value, imports, safe)), None)
                if inner:
                    return inner
            elif not _py_safe_value(p, imports, safe) and not isinstance(p, ast.BinOp):
                return ast.unparse(p)
        return None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        tmpl = _web.const_str(node.func.value)
        if tmpl is None or not _TAG.search(tmpl):
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


# --- JavaScript / TypeScript ---------------------------------------------------------------

_JS_SINK = re.compile(r"\.(innerHTML|outerHTML)\s*(\+?=)(?!=)\s*|\.insertAdjacentHTML\s*\(|"
                      r"\bdocument\.write(?:ln)?\s*\(|dangerouslySetInnerHTML\s*=\s*\{\s*\{\s*__html\s*:\s*")
_JS_SAFE_CALL = re.compile(r"^(?:[\w$.]*\.)?(?:sanitize|sanitizeHtml|escape|escapeHtml|escapeHTML|htmlEscape|"
                           r"encode|encodeHTML|purify|xss|filterXSS|clean|DOMPurify\.sanitize|marked\.parse)\w*\s*\(",
                           re.I)


def _javascript(f: SourceFile) -> Iterator[Hit]:
    if not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|dangerouslySetInnerHTML", f.text) \
            or _web.is_vendored_js(f.path):
        return
    text = _web.strip_js_comments(f.text)
    consts = {m.group(1) for m in re.finditer(
        r"\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:'[^'\n]*'|\"[^\"\n]*\"|`[^`$]*`)\s*;?\s*$", text, re.M)}
    for m in _JS_SINK.finditer(text):
        start = m.end()
        if m.group(0).rstrip().endswith("("):
            args = _web.balanced_call_args(text, start - 1)
            rhs = _split_top(args, ",")[-1] if "insertAdjacentHTML" in m.group(0) else args
        else:
            rhs = _expression(text, start)
        rhs = rhs.strip()
        if not rhs or _js_safe(rhs, consts):
            continue
        what = m.group(1) or re.sub(r"[\s({=:_]+$", "", m.group(0)).lstrip(".")
        yield Hit(f.line_at(m.start()), message=f"`{what}` is given `{_short(rhs)}` without escaping or sanitizing")


def _short(s: str) -> str:
    s = " ".join(s.split())
    return s if len(s) <= 60 else s[:57] + "..."


def _expression(text: str, start: int) -> str:
    """The right-hand side of an assignment: up to `;`, a newline at depth 0, or a closing bracket."""
    depth = 0
    quote = None
    i = start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif ch == ";" and depth == 0:
            break
        elif ch == "\n" and depth == 0:
            rest = text[i:].lstrip()
            if not rest.startswith(("+", "?", ":", ".", "||", "&&")) and not text[start:i].rstrip().endswith(
                    ("+", "?", ":", "(", "||", "&&", "=")):
                break
        i += 1
    return text[start:i]


def _split_top(s: str, sep: str) -> list[str]:
    parts, depth, quote, cur = [], 0, None, []
    i = 0
    while i < len(s):
        ch = s[i]
        if quote:
            cur.append(ch)
            if ch == "\\" and i + 1 < len(s):
                cur.append(s[i + 1])
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
            cur.append(ch)
        elif ch in "([{":
            depth += 1
            cur.append(ch)
        elif ch in ")]}":
            depth -= 1
            cur.append(ch)
        elif ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return parts


def _js_safe(rhs: str, consts: set[str], depth: int = 0) -> bool:
    if depth > 4:
        return False
    for part in _split_top(rhs, "+"):
        p = part.strip()
        if not p:
            continue
        if p.startswith("(") and p.endswith(")"):
            p = p[1:-1].strip()
        branches = _split_top(p, "?")
        if len(branches) == 2:  # cond ? a : b -- both results must be safe
            if all(_js_safe(b, consts, depth + 1) for b in _split_top(branches[1], ":")):
                continue
            return False
        if re.fullmatch(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"", p, re.S):
            continue
        if p.startswith("`") and p.endswith("`"):
            inner = re.findall(r"\$\{([^}]*)\}", p)
            if all(_JS_SAFE_CALL.match(x.strip()) or re.fullmatch(r"\d+|[A-Z_][A-Z0-9_]*", x.strip())
                   for x in inner):
                continue
            return False
        if _JS_SAFE_CALL.match(p) or p in consts or re.fullmatch(r"\d+|null|undefined|[A-Z_][A-Z0-9_]*", p):
            continue
        if re.fullmatch(r"[\w$.]+\.(?:length|size|toFixed\([^)]*\))", p):
            continue
        return False
    return True
