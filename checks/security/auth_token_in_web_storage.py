"""auth.token-in-web-storage: browser code keeping credentials in localStorage/sessionStorage."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit
from checks.registry import Context, Example, rule
from checks.security import _web
from checks.source import SourceFile

_STORAGE = r"(?:\b(?:window|globalThis|self)\s*\.\s*)?\b(localStorage|sessionStorage)"
_SET_ITEM = re.compile(_STORAGE + r"\s*(?:\?\.|\.)\s*setItem\s*\(\s*")
_ASSIGN = re.compile(_STORAGE + r"\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*(['\"`])([^'\"`]+)\3\s*\])\s*=(?!=)")
_CRED = re.compile(r"token|jwt|bearer|credential|api[_-]?key|apikey|passw(or)?d|secret|session[_-]?id|sessionid|"
                   r"^auth$|^authorization$|^auth[_-]?(data|info)$|^id[_-]?token$", re.I)
_NOT_CRED = re.compile(r"expir|expires|_?exp(_?at)?$|type$|^csrf|redirect|return[_-]?url|provider|mode$|"
                       r"count$|tokenizer|tokens?[_-]?(used|count|limit|usage)|max[_-]?tokens|pagetoken|"
                       r"page[_-]?token|next[_-]?token", re.I)
_CRED_VALUE = re.compile(r"^\s*(?:[\w$.]*\.)?(access_?token|accessToken|refresh_?token|refreshToken|id_?token|"
                         r"idToken|token|jwt|authToken|auth_token|bearer)\b", re.I)


def _is_cred_key(key: str) -> bool:
    return bool(_CRED.search(key)) and not _NOT_CRED.search(key)


@rule(
    "auth.token-in-web-storage",
    severity="MEDIUM",
    area="security",
    title="Auth token stored in localStorage/sessionStorage",
    why="Web storage is readable by every script on the origin, so a single XSS bug or compromised "
        "third-party script can steal the token and replay it from anywhere.",
    fix="Keep session credentials in `HttpOnly; Secure; SameSite` cookies set by the server, or hold "
        "short-lived access tokens in memory and refresh them through an HttpOnly cookie.",
    kinds={"js"},
    example=Example(
        path="src/auth/session.js",
        bad="export function saveSession(res) {\n  localStorage.setItem('access_token', res.accessToken);\n}\n",
        good="export function saveSession(res) {\n  localStorage.setItem('theme', res.preferredTheme);\n}\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "Storage" not in f.text or _web.is_vendored_js(f.path):
        return
    text = _web.strip_js_comments(f.text)
    consts = dict(re.findall(r"\b([A-Za-z_$][\w$]*)\s*(?::\s*\w+\s*)?[:=]\s*['\"`]([^'\"`$]+)['\"`]", text))
    # `const storage = window.localStorage; storage.setItem('jwt', t)`
    aliases = set(re.findall(r"\b(?:const|let|var|private|public|readonly)\s+([A-Za-z_$][\w$]*)\s*(?::\s*Storage\s*)?="
                             r"\s*(?:window\s*\.\s*|globalThis\s*\.\s*)?(?:localStorage|sessionStorage)\b\s*[;\n]", text))
    set_item = _SET_ITEM if not aliases else re.compile(
        r"(?:\b(?:window|globalThis|self)\s*\.\s*)?\b(localStorage|sessionStorage|"
        + "|".join(re.escape(a) for a in sorted(aliases)) + r")\s*(?:\?\.|\.)\s*setItem\s*\(\s*")
    for m in set_item.finditer(text):
        storage = m.group(1)
        args = _web.balanced_call_args(text, text.rfind("(", m.start(), m.end()))
        key_src, _, value_src = _split_first_arg(args)
        keys = _key_names(key_src, consts)
        if not keys or any(_NOT_CRED.search(k) for k in keys):
            continue
        if any(_is_cred_key(k) for k in keys) or (_CRED_VALUE.match(value_src) and
                                                  not re.match(r"^\s*JSON\.stringify", value_src)):
            yield Hit(f.line_at(m.start()), message=f"`{storage}.setItem({key_src.strip()}, ...)` stores a "
                                                    "credential where any script on the page can read it")
    for m in _ASSIGN.finditer(text):
        storage, key = m.group(1), m.group(2) or m.group(4)
        if key in ("length",):
            continue
        if _is_cred_key(key):
            yield Hit(f.line_at(m.start()), message=f"`{storage}.{key} = ...` stores a credential where any script "
                                                    "on the page can read it")


def _split_first_arg(args: str) -> tuple[str, str, str]:
    depth = 0
    quote = None
    for i, ch in enumerate(args):
        if quote:
            if ch == quote and args[i - 1] != "\\":
                quote = None
            continue
        if ch in "'\"`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            return args[:i], ",", args[i + 1:]
    return args, "", ""


def _key_names(src: str, consts: dict[str, str]) -> list[str]:
    """Candidate names for a storage key: the literal, or an identifier and the constant it holds."""
    s = src.strip()
    m = re.fullmatch(r"(['\"`])([^'\"`]*)\1", s)
    if m:
        return [m.group(2)]
    m = re.fullmatch(r"[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*", s)
    if m:
        last = s.rsplit(".", 1)[-1].strip()
        return [k for k in (consts.get(last), last) if k]
    return []
