"""web.html-injection for Go: HTML from fmt.Sprintf/Fprintf formats and `+` concatenation."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from checks.lang import goflow
from checks.lang import golang as go
from checks.model import Hit, Severity
from checks.registry import RepoView
from checks.security._html_inject import ELSEWHERE, PAGE, SANITIZER, TAG, grade, note
from checks.source import SourceFile

_SAFE_VERBS = set("dbBoOxXeEfFgGtcUpT")
_VERB = re.compile(r"%(\[\d+\])?[-+# 0]*(\*|\d+)?(?:\.(\*|\d+)?)?([a-zA-Z%])")
_SAFE_CALL = re.compile(r"(?i)escape|sanitize|strconv\.|\blen$|\.Itoa$|Format(Int|Float|Bool)?$|\.Count$|"
                        r"template\.URL|url\.PathEscape|url\.QueryEscape")
# Request data in net/http, gin, echo, fiber, chi and gorilla/mux spellings.
_REQUEST = re.compile(r"\b(?:r|req|request|Request)\.(?:URL\.Query\(\)|URL\.Path|URL\.RawQuery|FormValue|"
                      r"PostFormValue|Form\b|PostForm\b|Header\.Get|Cookie|Body|MultipartForm)|"
                      r"\b(?:c|ctx|context)\.(?:Query|DefaultQuery|Param|Params|PostForm|DefaultPostForm|"
                      r"FormValue|QueryParam|GetHeader|Cookie)\(|\bmux\.Vars\(|\bchi\.URLParam\(")
_WRITERS = {"w", "rw", "writer", "resp", "res", "response", "c.Writer", "ctx.Writer", "c.Response()",
            "c.Response().Writer"}
_PAGE_CALL = re.compile(r"(^|\.)(HTML|SetBody|AddAlternative|SetBodyString|SetHTMLBody|SendMail|HTMLBody)$")


def check(f: SourceFile, repo: RepoView | None = None) -> Iterator[Hit]:
    hits = list(_hits(f))
    sanitizer = _project_sanitizer(f, repo) if any(h.severity is Severity.MEDIUM for h in hits) else None
    for h in hits:
        if sanitizer and h.severity is Severity.MEDIUM:
            h = replace(h, severity=Severity.LOW,
                        note=f"LOW: the project sanitizes HTML with `{sanitizer[1]}` ({sanitizer[0]}); "
                             "check this output goes through it before it is shown")
        yield h


# A function of the project's own that sanitizes HTML, or a bluemonday policy.
_SANITIZER_DEF = re.compile(r"^func\s+(?:\([^)]*\)\s*)?(\w*(?:[Ss]aniti[sz]e\w*(?:HTML|Html|Content)|(?:HTML|Html)\w*"
                            r"[Ss]aniti[sz]e)\w*)\s*\(|"
                            r"\b(bluemonday\.(?:UGCPolicy|StrictPolicy|NewPolicy))\(", re.M)


def _project_sanitizer(f: SourceFile, repo: RepoView | None) -> tuple[str, str] | None:
    """(path, name) of an HTML sanitizer the repository defines or configures, if any."""
    for other in [f, *(repo.files("go") if repo is not None else [])]:
        if other.is_test or not re.search(r"(?i)saniti[sz]e|bluemonday", other.text):
            continue
        m = _SANITIZER_DEF.search(other.text)
        if m:
            return other.path, m.group(1) or m.group(2)
    return None


def _hits(f: SourceFile) -> Iterator[Hit]:
    if "<" not in f.text:
        return
    root = f.go
    fmt_names = {n for n, p in go.imports(root).items() if p == "fmt"}
    consts = {go.text(n) for spec in go.walk(root, "const_spec") for n in spec.children_by_field_name("name")}
    reported: set[int] = set()
    for call in go.walk(root, "call_expression") if fmt_names else ():
        pkg, _, fn = go.call_name(call).rpartition(".")
        if pkg not in fmt_names or fn not in ("Sprintf", "Fprintf"):
            continue
        args = go.call_args(call)[1 if fn == "Fprintf" else 0:]
        fmt_str = go.string_value(args[0]) if args else None
        if fmt_str is None or not TAG.search(fmt_str):
            continue
        unsafe = _unsafe_format_args(fmt_str, args[1:], consts)
        if not unsafe:
            continue
        if fn == "Fprintf":
            sink = PAGE if _is_response_writer(go.call_args(call)[0]) else ELSEWHERE
        else:
            sink = _sink(call)
        yield from _report(call, f"`{go.call_name(call)}` puts `{go.text(unsafe[0])}` into HTML without escaping it",
                           unsafe, sink, reported)
    for expr in go.walk(root, "binary_expression"):
        if not _is_concat(expr) or (expr.parent is not None and _is_concat(expr.parent)):
            continue  # report the outermost concatenation once
        parts = _concat_parts(expr)
        if not any(TAG.search(go.string_value(p) or "") for p in parts):
            continue
        unsafe = [p for p in parts if not _safe(p, consts)]
        if unsafe:
            yield from _report(expr, f"HTML is concatenated with `{go.text(unsafe[0])}` without escaping it",
                               unsafe, _sink(expr), reported)


def _report(node: go.Node, message: str, unsafe: list[go.Node], sink: str, reported: set[int]) -> Iterator[Hit]:
    if sink == "sanitized" or go.line(node) in reported:
        return
    reported.add(go.line(node))
    untrusted = any("request" in goflow.classify(u, _leaf) for u in unsafe)
    yield Hit(go.line(node), message=message, severity=grade(untrusted, sink), note=note(untrusted, sink))


def _leaf(node: go.Node) -> str | None:
    if _REQUEST.search(go.text(node)):
        return "request"
    if node.type == "identifier":
        return None
    return "other"


def _is_concat(node: go.Node) -> bool:
    return node.type == "binary_expression" and go.text(node.child_by_field_name("operator")) == "+"


def _concat_parts(node: go.Node) -> list[go.Node]:
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    if _is_concat(node):
        return _concat_parts(node.child_by_field_name("left")) + _concat_parts(node.child_by_field_name("right"))
    return [node]


def _unsafe_format_args(fmt_str: str, args: list[go.Node], consts: set[str]) -> list[go.Node]:
    verbs = [m for m in _VERB.finditer(fmt_str) if m.group(4) != "%"]
    indexed = any(m.group(1) for m in verbs)
    out, i = [], 0
    for m in verbs:
        i += sum(1 for star in (m.group(2), m.group(3)) if star == "*")
        if i >= len(args):
            break
        arg = args[i]
        i += 1
        if (m.group(4) in _SAFE_VERBS and not indexed) or _safe(arg, consts):
            continue
        out.append(arg)
    return out


# Values that are HTML already (page content, a rendered fragment): joining them with markup is not where
# escaping belongs; whether that content is sanitized is decided where it is produced or output.
_FRAGMENT = re.compile(r"(?i)(?:html|content|markup|fragment|player|iframe)$")
# URLs the code assembles with net/url (`url.URL{...}`, `url.Parse`, `JoinPath`, `ResolveReference`).
_URL_BUILT = re.compile(r"^(?:&?url\.URL\{|url\.(?:Parse|ParseRequestURI|JoinPath)\(|[\w.]+\.(?:JoinPath|"
                        r"ResolveReference)\()")


def _built_url(node: go.Node) -> bool:
    """`u.String()` where `u` is a `url.URL` this function built."""
    if node.type != "call_expression" or not go.call_name(node).endswith(".String") or go.call_args(node):
        return False
    operand = node.child_by_field_name("function").child_by_field_name("operand")
    vals = goflow.values_of(go.text(operand), operand) if operand.type == "identifier" else None
    return bool(vals) and all(v is not None and _URL_BUILT.match(go.text(v)) for v in vals)


def _safe(arg: go.Node, consts: set[str], depth: int = 0) -> bool:
    """Literals, constants, escaped values, and values the code computes from constants only."""
    if arg.type in ("identifier", "selector_expression") and _FRAGMENT.search(go.text(arg)):
        return True
    if _built_url(arg):
        return True
    if arg.type in ("interpreted_string_literal", "raw_string_literal", "int_literal", "float_literal", "true",
                    "false", "nil", "rune_literal"):
        return True
    if arg.type == "call_expression":
        if _REQUEST.search(go.text(arg)):
            return False
        if _SAFE_CALL.search(go.call_name(arg)):
            return True
        args = go.call_args(arg)
        # `f.iconPath("sprite.svg")`, `route.Path(router, "feeds")`: built from the code's own constants
        return bool(args) and all(_safe(a, consts, depth + 1) or go.text(a) in ("router", "r.router") for a in args)
    if arg.type == "identifier":
        name = go.text(arg)
        if name.isupper() or name in consts:
            return True
        if depth < 3:
            vals = goflow.values_of(name, arg)
            return bool(vals) and all(v is not None and _safe(v, consts, depth + 1) for v in vals)
    if _is_concat(arg) or arg.type == "parenthesized_expression":
        return all(_safe(p, consts, depth + 1) for p in _concat_parts(arg))
    return False


def _is_response_writer(node: go.Node) -> bool:
    text = go.text(node)
    if text in _WRITERS:
        return True
    typ = goflow.params(goflow.enclosing_func(node)).get(text) if goflow.enclosing_func(node) else None
    return typ is not None and go.text(typ).endswith("ResponseWriter")


def _sink(node: go.Node, depth: int = 0) -> str:
    """Where the HTML built at `node` goes: a page/e-mail, a sanitizer, or somewhere not shown here."""
    while node.parent is not None and (_is_concat(node.parent) or node.parent.type in (
            "parenthesized_expression", "expression_list", "type_conversion_expression")):
        node = node.parent
    p = node.parent
    if p is not None and p.type == "argument_list" and p.parent is not None and p.parent.type == "call_expression":
        call = p.parent
        name = go.call_name(call)
        args = go.call_args(call)
        if SANITIZER.search(name):
            return "sanitized"
        if name in ("[]byte", "string"):
            return _sink(call, depth)
        if name.endswith("template.HTML") or _PAGE_CALL.search(name):
            return PAGE
        fn = call.child_by_field_name("function")
        if name.endswith((".Write", ".WriteString")) and fn is not None and fn.type == "selector_expression" and \
                _is_response_writer(fn.child_by_field_name("operand")):
            return PAGE
        if name in ("io.WriteString", "fmt.Fprint", "fmt.Fprintln") and args and _is_response_writer(args[0]):
            return PAGE
        return ELSEWHERE
    if p is not None and p.type == "return_statement":
        fn = goflow.enclosing_func(p)
        result = fn.child_by_field_name("result") if fn is not None else None
        return PAGE if result is not None and "template.HTML" in go.text(result) else ELSEWHERE
    if p is not None and p.type in ("short_var_declaration", "assignment_statement", "var_spec") and depth < 2:
        left = p.child_by_field_name("left") or p.child_by_field_name("name")
        name = go.text(left).split(",")[0].strip()
        sinks = {_sink(use, depth + 1) for use in goflow.uses_after(name, p)}
        if "sanitized" in sinks:
            return "sanitized"
        return PAGE if PAGE in sinks else ELSEWHERE
    return ELSEWHERE
