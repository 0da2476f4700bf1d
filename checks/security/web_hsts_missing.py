"""web.hsts-missing: TLS server blocks that do not send Strict-Transport-Security."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from checks.model import Hit
from checks.lang.text import split_lines
from checks.lang.yamlast import YMap
from checks.registry import Context, Example, rule
from checks.source import ParseError, SourceFile

_HSTS = re.compile(r"""^\s*(add_header|more_set_headers|proxy_set_header_never)\s+["']?\s*Strict-Transport-Security""",
                   re.I)
_HSTS_COMMENTED = re.compile(r"""^\s*#+\s*(add_header|more_set_headers)\s+["']?\s*Strict-Transport-Security""", re.I)
_TLS = re.compile(r"^\s*(listen\s+[^;]*\b(ssl|quic)\b|ssl_certificate\s|ssl\s+on\s*;)", re.I)
_ADD_HEADER = re.compile(r"^\s*add_header\s", re.I)
_INCLUDE = re.compile(r"^\s*include\s+([^;]+);", re.I)
_HSTS_OFF = re.compile(r"""^\s*["']?[\w.-]*ingress\.kubernetes\.io/hsts["']?\s*:\s*["']?false["']?\s*(#.*)?$""", re.I)
_SERVER_OPEN = re.compile(r"^\s*server\s*\{")
_SERVER_ALONE = re.compile(r"^\s*server\s*$")
_HSTS_INCLUDE = re.compile(r"(?i)(ssl|tls|hsts|security|secure|headers?)[^/]*$")


@dataclass
class _Block:
    start: int  # line of `server {`
    end: int
    lines: list[tuple[int, int, str]] = field(default_factory=list)  # (line, depth inside block, text)


@rule(
    "web.hsts-missing",
    severity="MEDIUM",
    area="security",
    title="HTTPS server without Strict-Transport-Security",
    why="Without HSTS a browser will still try plain HTTP first, so an attacker on the network can strip TLS "
        "and intercept the session (SSL stripping).",
    fix="Add `add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;` to every "
        "TLS `server` block (or keep ingress-nginx's default `hsts: \"true\"`).",
    kinds={"nginx", "yaml"},
    example=Example(
        path="deploy/nginx/site.conf",
        bad='server {\n    listen 443 ssl;\n    server_name api.example.com;\n'
            '    ssl_certificate /etc/ssl/api.crt;\n    ssl_certificate_key /etc/ssl/api.key;\n'
            '    location / { proxy_pass http://app:8000; }\n}\n',
        good='server {\n    listen 443 ssl;\n    server_name api.example.com;\n'
             '    ssl_certificate /etc/ssl/api.crt;\n    ssl_certificate_key /etc/ssl/api.key;\n'
             '    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;\n'
             '    location / { proxy_pass http://app:8000; }\n}\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "nginx" in f.kinds:
        yield from nginx_hits(f.text, 0)
    elif "yaml" in f.kinds:
        if "hsts" not in f.text.lower() and not re.search(r"server\s*\{", f.text):
            return
        try:
            docs = f.yaml_docs
        except ParseError:  # Helm templates: look for the annotation line itself
            for number, line in enumerate(f.lines, start=1):
                if _HSTS_OFF.match(line):
                    yield Hit(number, message="Ingress annotation `nginx.ingress.kubernetes.io/hsts: \"false\"` "
                                              "turns HSTS off")
            return
        for doc in docs:
            if isinstance(doc, YMap):
                yield from _k8s(f, doc)


def _strip_comment(line: str) -> str:
    out, quote = [], None
    for ch in line:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        out.append(ch)
    return "".join(out)


def _blocks(text: str) -> tuple[list[_Block], list[tuple[int, str]]]:
    """Server blocks, and the active lines outside any server block."""
    blocks: list[_Block] = []
    outside: list[tuple[int, str]] = []
    depth = 0
    current: _Block | None = None
    server_depth = 0
    pending_server = False
    for number, raw in enumerate(split_lines(text), start=1):
        line = _strip_comment(raw)
        opening = bool(_SERVER_OPEN.match(line)) or (pending_server and line.strip().startswith("{"))
        pending_server = bool(_SERVER_ALONE.match(line))
        if current is None and opening:
            current = _Block(start=number, end=number)
            server_depth = depth
        if current is not None:
            current.lines.append((number, depth - server_depth, raw))
        else:
            outside.append((number, line))
        depth += line.count("{") - line.count("}")
        if current is not None and depth <= server_depth:
            current.end = number
            blocks.append(current)
            current = None
    if current is not None:
        current.end = current.lines[-1][0]
        blocks.append(current)
    return blocks, outside


def nginx_hits(text: str, offset: int) -> Iterator[Hit]:
    blocks, outside = _blocks(text)
    http_hsts = any(_HSTS.match(line) for _, line in outside)
    for block in blocks:
        active = [(n, d, _strip_comment(raw)) for n, d, raw in block.lines]
        if not any(_TLS.match(line) for _, _, line in active):
            continue
        if any(_HSTS.match(line) for _, _, line in active):
            continue
        if any((m := _INCLUDE.match(line)) and _HSTS_INCLUDE.search(m.group(1).strip().strip("\"'"))
               for _, _, line in active):
            continue
        server_level_headers = any(_ADD_HEADER.match(line) for _, d, line in active if d == 1)
        if http_hsts and not server_level_headers:
            continue
        commented = next((n for n, _, raw in block.lines if _HSTS_COMMENTED.match(raw)), None)
        if commented is not None:
            yield Hit(commented + offset, message="`Strict-Transport-Security` is commented out in this TLS "
                                                  "server block, so browsers are never told to insist on HTTPS")
        else:
            note = (" (the http-level header is not inherited because this block sets its own `add_header`)"
                    if http_hsts else "")
            yield Hit(block.start + offset, message="TLS `server` block sends no `Strict-Transport-Security` "
                                                    f"header{note}")


def _k8s(f: SourceFile, doc: YMap) -> Iterator[Hit]:
    kind = doc.get("kind")
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), YMap) else None
    if kind == "Ingress" and meta is not None and isinstance(meta.get("annotations"), YMap):
        ann = meta["annotations"]
        for key, value in ann.items():
            if isinstance(key, str) and key.endswith("ingress.kubernetes.io/hsts") and str(value).lower() == "false":
                yield Hit(ann.line_of(key), message=f"Ingress annotation `{key}: \"false\"` turns HSTS off")
    if kind == "ConfigMap" and isinstance(doc.get("data"), YMap):
        data = doc["data"]
        name = str(meta.get("name", "")) if meta is not None else ""
        for key, value in data.items():
            if key == "hsts" and str(value).lower() == "false" and re.search(r"(?i)nginx|ingress", name):
                yield Hit(data.line_of(key), message="ingress-nginx ConfigMap sets `hsts: \"false\"`, turning HSTS "
                                                     "off for every Ingress")
            elif isinstance(value, str) and re.search(r"^\s*server\s*\{", value, re.M):
                start = data.value_lines.get(key, 0)
                header = f.line(start)
                if re.search(r":\s*[|>][-+0-9]*\s*(#.*)?$", header):
                    yield from nginx_hits(value, start)
