"""web.template-autoescape-off: HTML templates rendered without auto-escaping, or escaping bypassed."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.lang.pyflow import Flow
from checks.lang.python import (
    anchor_line,
    call_name,
    dotted,
    has_star_kwargs,
    is_constant_expr,
)
from checks.model import Hit, Severity
from checks.registry import Context, Example, rule
from checks.security import _web
from checks.security._go_text_template import text_template_html
from checks.source import SourceFile

_JINJA_ENV = {"jinja2.Environment", "jinja2.environment.Environment", "jinja2.Template",
              "jinja2.environment.Template", "jinja2.sandbox.SandboxedEnvironment",
              "jinja2.sandbox.ImmutableSandboxedEnvironment", "jinja2.nativetypes.NativeEnvironment"}
_MARKUP = {"markupsafe.Markup", "jinja2.Markup", "flask.Markup", "jinja2.utils.Markup"}
_MARK_SAFE = {"django.utils.safestring.mark_safe", "django.utils.safestring.SafeString",
              "django.utils.safestring.SafeText", "django.utils.html.mark_safe"}
_SAFE_INNER = re.compile(r"(?i)escape|sanitize|sanitise|clean|bleach|nh3|render_to_string|render_template|"
                         r"render|format_html|json_script|strip_tags|linebreaks|urlize|quote")
_HTML_HINT = re.compile(r"(?i)\.html?\b|\.xml\b|\bhtml\b|HTMLResponse|text/html|flask|django|starlette|fastapi|"
                        r"aiohttp|email|smtp|sendmail|send_mail|<[a-z]+[\s>]")
_NON_HTML_ENV = re.compile(r"(?i)\bNativeEnvironment\b")
# Jinja2 used for config / code / text generation rather than web pages (only consulted when the file
# shows no HTML hint): template names with non-HTML extensions, config-format words.
_NON_HTML_HINT = re.compile(r"(?i)[\w*}-]\.(ya?ml|toml|json|txt|md|rst|sql|py|go|sh|conf|cfg|ini|tf|hcl|"
                            r"properties|env|service|xml|csv)\b|\b(yaml|toml|markdown|dockerfile|terraform|"
                            r"kubernetes|helm|codegen|ansible|nginx|systemd|crontab)\b|keep_trailing_newline|"
                            r"StrictUndefined")
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][\w-]*[\s/>]")
_AUTOESCAPE_OFF_TAG = re.compile(r"\{%-?\s*autoescape\s+(off|false|False)\s*-?%\}")
# where `autoescape` sits among the positional parameters of jinja2.Environment(...) / Template(source, ...)
_AUTOESCAPE_POSITION = {"Template": 17}
_ENV_AUTOESCAPE_POSITION = 16


@rule(
    "web.template-autoescape-off",
    severity="CRITICAL",
    area="security",
    title="HTML template auto-escaping disabled",
    why="With auto-escaping off (or bypassed with `Markup`/`mark_safe`), any user-controlled value rendered "
        "into the page becomes live HTML/JavaScript: a stored or reflected XSS.",
    fix="Create Jinja2 environments with `autoescape=select_autoescape([\"html\", \"xml\"])` (or `True`), keep "
        "Django's default escaping, and build safe HTML with `format_html`/`Markup(...).format(...)` "
        "instead of marking raw strings safe; in Go render HTML with `html/template`, never `text/template`.",
    kinds={"python", "html", "go"},
    example=Example(
        path="app/render.py",
        bad='from jinja2 import Environment, FileSystemLoader\n\n'
            'env = Environment(loader=FileSystemLoader("templates"))\n\n\ndef page(user):\n'
            '    return env.get_template("profile.html").render(user=user)\n',
        good='from jinja2 import Environment, FileSystemLoader, select_autoescape\n\n'
             'env = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape(["html"]))\n\n\n'
             'def page(user):\n    return env.get_template("profile.html").render(user=user)\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "python" in f.kinds:
        seen: set[int] = set()  # `{"autoescape": False}` passed as `**opts` is one finding, not two
        for hit in _python(f):
            if hit.line not in seen:
                seen.add(hit.line)
                yield hit
    elif "go" in f.kinds:
        yield from text_template_html(f.go, f.text)
    elif "html" in f.kinds:
        if not _TAG.search(f.text):
            return  # a plain-text (e.g. email body) template: escaping HTML would be wrong there
        for m in _AUTOESCAPE_OFF_TAG.finditer(f.text):
            yield Hit(f.line_at(m.start()), message=f"`{m.group(0)}` renders the block without HTML escaping")


def _python(f: SourceFile) -> Iterator[Hit]:
    if not re.search(r"jinja2|markupsafe|Markup|mark_safe|SafeString|autoescape", f.text):
        return
    imports = f.python_imports
    html_file = bool(_HTML_HINT.search(f.text)) or not _NON_HTML_HINT.search(f.text)
    tooling = _web.is_non_prod_path(f.path)
    parent_of = f.python_parents
    flow = Flow(f.python, parent_of)
    for node in f.python_of(ast.Call, ast.Assign, ast.Dict):
        if isinstance(node, ast.Call):
            yield from _call(f, node, imports, html_file, tooling, parent_of, flow)
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                # app.jinja_env.autoescape = False / env.autoescape = False / jinja_options["autoescape"] = False
                key = _web.const_str(t.slice) if isinstance(t, ast.Subscript) else None
                if (isinstance(t, ast.Attribute) and t.attr == "autoescape" or key == "autoescape") and \
                        flow.is_false(node.value):
                    shown = dotted(t) if isinstance(t, ast.Attribute) else f"{dotted(t.value) or ''}[\"autoescape\"]"
                    yield Hit(node.value.lineno, message=f"`{shown} = False` turns off HTML escaping")
        elif isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values, strict=True):
                # Django TEMPLATES OPTIONS / Flask jinja_options {"autoescape": False}
                if _web.const_str(k) == "autoescape" and flow.is_false(v):
                    yield Hit(v.lineno, message="`\"autoescape\": False` turns off HTML escaping in templates")


def _autoescape_arg(call: ast.Call, short: str, flow: Flow) -> ast.expr | None:
    """The `autoescape` argument in any form: keyword, `**options` the flow can read, or positional."""
    value = next((kw.value for kw in call.keywords if kw.arg == "autoescape"), None)
    if value is None:
        spread = flow.keyword(call, "autoescape")
        if spread is not None:  # from **options: the dict or `options["autoescape"] = …` line reports it
            return spread if not flow.is_false(spread) else ast.Constant(value=None)
    if value is None:
        index = _AUTOESCAPE_POSITION.get(short, _ENV_AUTOESCAPE_POSITION)
        if len(call.args) > index and not any(isinstance(a, ast.Starred) for a in call.args[:index + 1]):
            value = call.args[index]
    return value


def _call(f: SourceFile, call: ast.Call, imports: dict[str, str], html_file: bool, tooling: bool,
          parent_of: dict[ast.AST, ast.AST], flow: Flow) -> Iterator[Hit]:
    name = call_name(call, imports)
    if name in _JINJA_ENV:
        short = name.rsplit(".", 1)[-1]
        value = _autoescape_arg(call, short, flow)
        if value is not None:
            # an explicit False is a decision to turn escaping off, wherever the code lives
            if flow.is_false(value):
                yield Hit(anchor_line(call, value), message=f"`{short}(autoescape=False)` renders variables as raw HTML")
            return
        if tooling:
            return  # docs/scripts tooling rendering Markdown or config
        if has_star_kwargs(call) or _NON_HTML_ENV.search(name):
            return
        if short == "Template":
            src = flow.resolve(call.args[0]) if call.args else None
            message = "`jinja2.Template(...)` is created without `autoescape=True`, so rendered values are not " \
                      "HTML-escaped"
            if isinstance(src, ast.Constant) and isinstance(src.value, str):
                if _TAG.search(src.value):
                    yield Hit(call.lineno, message=message)
                return  # a visible template with no HTML in it (plain text, chat or issue-tracker markup)
            if _STRONG_HTML.search(f.text):
                yield Hit(call.lineno, message=message)
            elif html_file:
                yield Hit(call.lineno, severity=Severity.MEDIUM, message=message + "; verify whether the output "
                          "is HTML", note="MEDIUM: the template text is not in this file and nothing here serves "
                                          "HTML")
            return
        if not html_file:
            return  # configuration/code generation with Jinja2: not HTML
        yield Hit(call.lineno, message=f"`{short}(...)` is created without `autoescape=` (Jinja2 defaults to no "
                                       "escaping)")
        return
    if name in _MARKUP or name in _MARK_SAFE:
        short = name.rsplit(".", 1)[-1]
        if not call.args:
            return
        arg = call.args[0]
        fn = next((d for d in _web.enclosing_defs(call, parent_of)
                   if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
        cleaned = _cleaned_names(fn, imports) if fn is not None else set()
        if _safe_arg(arg, imports):
            return
        if not _untrusted(arg, imports, cleaned) and not _local_untrusted(arg, fn, imports, cleaned):
            return
        message = f"`{short}(...)` marks a non-literal value as safe HTML, bypassing auto-escaping"
        pieces = flow.string_pieces(arg)
        if _from_parameters_only(pieces, fn, flow):
            # a helper/template tag formatting what its caller passes: the caller decides what is user data
            yield Hit(call.lineno, severity=Severity.MEDIUM, message=message + "; verify what callers pass (use "
                      "`format_html`/`Markup(...).format(...)` to escape it)",
                      note="MEDIUM: built from this function's parameters, whose origin is not visible here")
            return
        yield Hit(call.lineno, message=message)


_STRONG_HTML = re.compile(r"(?i)text/html|HTMLResponse|\.html?['\"]|<(html|body|div|p|a|span|table|ul|li|br|b|h[1-6])"
                          r"[\s>/]")


def _from_parameters_only(pieces: list[ast.expr], fn: ast.AST | None, flow: Flow) -> bool:
    """Every piece is (an attribute of) a parameter of `fn` other than the request itself."""
    if fn is None or not pieces:
        return False
    params = flow.params(fn)
    for piece in pieces:
        root = _root(piece)
        if root is None or root not in params or root in ("request", "req"):
            return False
    return True


def _safe_arg(arg: ast.expr, imports: dict[str, str]) -> bool:
    if is_constant_expr(arg):
        return True
    if isinstance(arg, ast.Call):
        inner = call_name(arg, imports)
        if _SAFE_INNER.search(inner.rsplit(".", 1)[-1]):
            return True
        # Markup("<b>{}</b>").format(x) and "".join(...) of escaped parts are handled by Markup itself
        if isinstance(arg.func, ast.Attribute) and arg.func.attr == "join" and \
                all(isinstance(a, ast.expr) for a in arg.args):
            return _all_calls_safe(arg.args, imports)
    if isinstance(arg, ast.JoinedStr):
        return all(isinstance(v, ast.Constant) or
                   (isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Call) and
                    _SAFE_INNER.search(call_name(v.value, imports).rsplit(".", 1)[-1]))
                   for v in arg.values)
    return False


_USERISH = re.compile(r"(?i)(^|[._\[\'\"])(request|req|form|args|params|query|input|user_input|body|bio|comment|"
                      r"comments|description|content|message|msg|text|title|username|user|profile|post|"
                      r"review|note|notes|subject|search|q|payload)s?($|[._\]\'\"])")
_SAFE_NAME = re.compile(r"(?i:escaped|saniti[sz]ed|safe|clean|bleach|icon|svg|widget|rendered|output|result|html$)|"
                        r"^[A-Z][A-Z0-9_]*$|(^|\.)_?[A-Z][A-Z0-9_]+$")
_SAFE_SOURCE = re.compile(r"(?i)escape|sanitize|clean|bleach|format_html|^_$|gettext|^reverse$|^static$|^len$|^int$|"
                          r"json_script|urlencode|quote")


def _cleaned_names(fn: ast.AST, imports: dict[str, str]) -> set[str]:
    """Names the function assigns from escaping/sanitizing calls or literals."""
    out: set[str] = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            v = node.value
            if is_constant_expr(v) or (isinstance(v, ast.Call) and
                                       _SAFE_SOURCE.search(call_name(v, imports).rsplit(".", 1)[-1])):
                out.add(node.targets[0].id)
    return out


def _root(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _part_unsafe(part: ast.expr, imports: dict[str, str], cleaned: set[str]) -> bool:
    if is_constant_expr(part):
        return False
    if isinstance(part, ast.Call):
        short = call_name(part, imports).rsplit(".", 1)[-1]
        if _SAFE_INNER.search(short) or _SAFE_SOURCE.search(short):
            return False
        if isinstance(part.func, ast.Attribute) and part.func.attr == "join":
            return False
    root = _root(part)
    if root is not None and root in cleaned:
        return False
    return True


def _untrusted(arg: ast.expr, imports: dict[str, str], cleaned: set[str]) -> bool:
    """String building with unescaped values, or a value whose name says it came from a user."""
    if isinstance(arg, ast.JoinedStr):
        return any(_part_unsafe(v.value, imports, cleaned) for v in arg.values if isinstance(v, ast.FormattedValue))
    if isinstance(arg, ast.BinOp):
        if isinstance(arg.op, ast.Mod):
            right = arg.right.elts if isinstance(arg.right, ast.Tuple) else [arg.right]
            return any(_part_unsafe(p, imports, cleaned) for p in right)
        return any(_part_unsafe(p, imports, cleaned) for p in (arg.left, arg.right)
                   if not isinstance(p, (ast.BinOp, ast.JoinedStr))) or \
            any(_untrusted(p, imports, cleaned) for p in (arg.left, arg.right) if isinstance(p, (ast.BinOp, ast.JoinedStr)))
    if isinstance(arg, ast.Call):
        if isinstance(arg.func, ast.Attribute) and arg.func.attr == "format" and \
                isinstance(arg.func.value, ast.Constant):
            return any(_part_unsafe(p, imports, cleaned) for p in [*arg.args, *(k.value for k in arg.keywords)])
        if isinstance(arg.func, ast.Attribute) and arg.func.attr == "replace":
            return _untrusted(arg.func.value, imports, cleaned) or \
                any(_untrusted(a, imports, cleaned) for a in arg.args)
        return (dotted(arg.func) or "").startswith(("request.", "req."))
    if isinstance(arg, (ast.Name, ast.Attribute, ast.Subscript)):
        if _root(arg) in cleaned:
            return False
        src = ast.unparse(arg)
        # a bare value/field is trusted only when its name says it was escaped or is a known-safe constant
        # model fields (`obj.description`) are user content unless the name says otherwise
        return bool(_USERISH.search(src)) or (isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name)
                                              and arg.value.id not in ("self", "cls")
                                              and not _SAFE_NAME.search(src))
    return False


_TEMPLATE_FILTER = re.compile(r"(^|\.)(filter|simple_tag|stringfilter|template_filter|app_template_filter)$")


def _local_untrusted(arg: ast.expr, fn: ast.AST | None, imports: dict[str, str], cleaned: set[str]) -> bool:
    """A local built from unescaped values (`html = "<b>" + name + "</b>"`), or the raw input of a
    template filter (`@register.filter def raw(value): return mark_safe(value)`)."""
    if not isinstance(arg, ast.Name) or fn is None or arg.id in cleaned:
        return False
    values = [n.value for n in ast.walk(fn) if isinstance(n, ast.Assign) and
              any(isinstance(t, ast.Name) and t.id == arg.id for t in n.targets)]
    augmented = any(isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name) and n.target.id == arg.id
                    for n in ast.walk(fn))
    if len(values) == 1 and not augmented:
        v = values[0]
        built = isinstance(v, (ast.JoinedStr, ast.BinOp)) or (
            isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr == "format"
            and isinstance(v.func.value, ast.Constant))
        return built and _untrusted(v, imports, cleaned)
    if values or augmented:
        return False
    params = _web.py_param_names(fn) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) else []
    if arg.id in params[:1] and "safe" not in fn.name.lower():  # type: ignore[attr-defined]
        decos = [dotted(d.func if isinstance(d, ast.Call) else d) or "" for d in fn.decorator_list]  # type: ignore
        return any(_TEMPLATE_FILTER.search(d) for d in decos)
    return False


def _all_calls_safe(args: list[ast.expr], imports: dict[str, str]) -> bool:
    for a in args:
        gen = a.elt if isinstance(a, (ast.GeneratorExp, ast.ListComp)) else a
        if not (isinstance(gen, ast.Call) and _SAFE_INNER.search(call_name(gen, imports).rsplit(".", 1)[-1])):
            return False
    return True
