"""Go `text/template` used to render HTML (it never escapes; `html/template` does)."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.lang import golang as go
from checks.model import Hit
from checks.security._net import go_local_name

_TAG = re.compile(r"<\s*/?\s*(html|head|body|div|span|p|a|ul|li|table|tr|td|form|input|script|h[1-6]|b|i|"
                  r"strong|em|img|br|section|article|nav|button|label|select|option|textarea|pre|code)\b[^>]*>",
                  re.IGNORECASE)
_HTML_FILE = re.compile(r"(?i)\.(html?|gohtml|tmpl\.html|xhtml)\b")
# the rendered template reaches a browser: written to a ResponseWriter or served as text/html
_SERVED_AS_HTML = re.compile(r"text/html|\.HTML\(|http\.ResponseWriter")
_PARSERS = {"Parse", "ParseFiles", "ParseGlob", "ParseFS"}


def text_template_html(root: go.Node, source: str) -> Iterator[Hit]:
    tpl = go_local_name(root, "text/template")
    if tpl is None:
        return
    served = bool(_SERVED_AS_HTML.search(source))
    for call in go.walk(root, "call_expression"):
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "selector_expression":
            continue
        method = go.text(fn.child_by_field_name("field"))
        if method not in _PARSERS:
            continue
        chain = go.text(fn.child_by_field_name("operand"))
        if not (chain == tpl or chain.startswith(f"{tpl}.")):
            continue
        literal = " ".join(go.string_value(a) or "" for a in go.call_args(call))
        if method == "Parse" and _TAG.search(literal):
            why = "parses an HTML template"
        elif method != "Parse" and _HTML_FILE.search(literal):
            why = "loads HTML template files"
        elif served:
            why = "renders a template this file serves as HTML"
        else:
            continue
        yield Hit(go.line(call), end_line=go.end_line(call),
                  message=f"`text/template` {why}; it does not escape values, so user data becomes live "
                          "HTML/JavaScript (use `html/template`)")
