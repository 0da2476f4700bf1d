"""web.html-injection: HTML built by string formatting from unescaped variables."""
from __future__ import annotations

from collections.abc import Iterator

from checks.model import Hit
from checks.registry import Context, Example, rule
from checks.security import _html_inject_go, _html_inject_js, _html_inject_py
from checks.source import SourceFile


@rule(
    "web.html-injection",
    severity="CRITICAL",
    area="security",
    title="HTML built from unescaped variables",
    why="Interpolating request data, database values or error text into HTML without escaping lets anyone who "
        "controls that text inject script into the page or email (XSS, phishing content). Graded by where the "
        "value comes from and where the HTML goes: request data written to a response is CRITICAL; other "
        "values, or HTML whose destination the function does not show, rank lower; HTML passed to a sanitizer "
        "(bluemonday, bleach, DOMPurify, the project's own sanitize step) and values built from constants, "
        "escaped values or URLs the code builds itself are not reported.",
    fix="Render HTML with a template engine that escapes by default (Go `html/template`, Jinja2 with "
        "autoescape, `textContent` in the browser), or escape each value (`html.EscapeString`, `html.escape`, "
        "`markupsafe.escape`, DOMPurify) before it is inserted.",
    kinds={"go", "python", "js"},
    repo_kinds={"go"},  # the project's own HTML sanitizer, for Go HTML whose destination is not visible
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
        yield from _html_inject_go.check(f, ctx.repo)
    elif "python" in f.kinds:
        yield from _html_inject_py.check(f)
    elif "js" in f.kinds:
        yield from _html_inject_js.check(f)
