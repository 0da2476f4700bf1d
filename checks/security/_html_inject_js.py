"""web.html-injection for JavaScript: `innerHTML`/`outerHTML`/`insertAdjacentHTML`/`document.write` with variables."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit
from checks.security import _web
from checks.source import SourceFile

_JS_SINK = re.compile(r"\.(innerHTML|outerHTML)\s*(\+?=)(?!=)\s*|\.insertAdjacentHTML\s*\(|"
                      r"\bdocument\.write(?:ln)?\s*\(|dangerouslySetInnerHTML\s*=\s*\{\s*\{\s*__html\s*:\s*|"
                      r"(?<=\))\.(html)\s*\((?=\s*[^\s)])")  # jQuery: $(sel).html(value)
_JS_SAFE_CALL = re.compile(r"^(?:[\w$.]*\.)?(?:sanitize|sanitizeHtml|escape|escapeHtml|escapeHTML|htmlEscape|"
                           r"encode|encodeHTML|purify|xss|filterXSS|clean|DOMPurify\.sanitize|marked\.parse|createHTML)\w*\s*\(",
                           re.I)


# A third-party library copied into the repository announces itself in a license banner at the top.
_LIBRARY_BANNER = re.compile(r"\A\s*/\*!|@license\b")


def check(f: SourceFile) -> Iterator[Hit]:
    yield from _dom(f)
    yield from _server(f)


# Express/Koa-style responses: a string sent with res.send/res.write is served as text/html.
_RES_SINK = re.compile(r"\b(?:res|response|reply)\s*\.\s*(send|write|end)\s*\(")
_REQ_DATA = re.compile(r"\b(?:req|request)\s*\.\s*(?:query|body|params|cookies|headers)\b")


def _server(f: SourceFile) -> Iterator[Hit]:
    if not _REQ_DATA.search(f.text) or _web.is_vendored_js(f.path):
        return
    text = _web.strip_js_comments(f.text)
    tainted = {m.group(1) for m in re.finditer(
        r"\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*([^\n;]*)", text) if _REQ_DATA.search(m.group(2))}
    tainted |= {n for m in re.finditer(r"\b(?:const|let|var)\s*\{([^}]*)\}\s*=\s*(?:req|request)\s*\.\s*"
                                      r"(?:query|body|params)\b", text)
                for n in re.findall(r"[A-Za-z_$][\w$]*", m.group(1))}
    for m in _RES_SINK.finditer(text):
        arg = _split_top(_web.balanced_call_args(text, m.end() - 1), ",")[0].strip()
        if not arg or _js_safe(arg, set()):
            continue
        used = _REQ_DATA.search(arg) or next((re.search(rf"(?<![\w$.]){re.escape(t)}\b", arg) for t in tainted
                                              if re.search(rf"(?<![\w$.]){re.escape(t)}\b", arg)), None)
        if used and not _SERVER_SAFE.search(arg):
            yield Hit(f.line_at(m.start()), message=f"`res.{m.group(1)}` sends request data `{_short(used.group(0))}` "
                                                    "as HTML without escaping it")


_SERVER_SAFE = re.compile(r"(?i)escape|sanitize|purify|encodeURIComponent|JSON\.stringify|xss|Number\(|parseInt")


def _dom(f: SourceFile) -> Iterator[Hit]:
    if not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|dangerouslySetInnerHTML|\)\.html\(",
                     f.text) \
            or _web.is_vendored_js(f.path) or _LIBRARY_BANNER.search(f.text[:600]):
        return
    text = _web.strip_js_comments(f.text)
    consts = {m.group(1) for m in re.finditer(
        r"\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:'[^'\n]*'|\"[^\"\n]*\"|`[^`$]*`)\s*;?\s*$", text, re.M)}
    # names only ever assigned a sanitized/escaped value: `const clean = DOMPurify.sanitize(html)`
    assigned: dict[str, list[str]] = {}
    for m in re.finditer(r"(?:\b(?:const|let|var)\s+|^\s*)([A-Za-z_$][\w$]*)\s*=(?!=)\s*([^\n;]*)", text, re.M):
        assigned.setdefault(m.group(1), []).append(m.group(2).strip())
    consts |= {name for name, values in assigned.items() if all(_JS_SAFE_CALL.match(v) for v in values)}
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
    for i, ch, depth in _web.unquoted_chars(text, start):
        if depth > 0:
            continue
        if ch in ")]}" or ch == ";":
            return text[start:i]
        if ch == "\n":
            rest = text[i:].lstrip()
            if not rest.startswith(("+", "?", ":", ".", "||", "&&")) and not text[start:i].rstrip().endswith(
                    ("+", "?", ":", "(", "||", "&&", "=")):
                return text[start:i]
    return text[start:]


def _split_top(s: str, sep: str) -> list[str]:
    """`s` split at `sep` outside brackets and quoted strings."""
    cuts = [i for i, ch, depth in _web.unquoted_chars(s) if ch == sep and depth == 0]
    return [s[a + 1:b] for a, b in zip([-1, *cuts], [*cuts, len(s)])]


def _js_safe(rhs: str, consts: set[str], depth: int = 0) -> bool:
    if depth > 4:
        return False
    for part in _split_top(rhs, "+"):
        p = part.strip()
        if not p:
            continue
        if p.startswith("(") and p.endswith(")"):
            p = p[1:-1].strip()
        if re.match(r"[\w$.]*\([^()]*\)\.html\(\)|[\w$.]+\.innerHTML\b", p):
            continue  # markup the page already holds, read back from the DOM
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
