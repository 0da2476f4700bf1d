"""How the repository's code reads an origin allowlist variable: does an empty value allow every origin?"""
from __future__ import annotations

import re
from dataclasses import dataclass

from checks.registry import RepoView

# After the read, an empty value turns into "allow everything": a check that passes on an empty list,
# a `*` fallback, a framework switch set from the emptiness test.
_ALLOW_ALL = [
    re.compile(r"(?:len\(\s*[\w.\[\]]+\s*\)\s*==\s*0|==\s*\"\"|\bnot\s+[\w.]+\s*:|\.length\s*===?\s*0|!\s*[\w.]+\s*\))"
               r"[^\n]*(?:\n[^\n]*){0,3}?(?:return\s+true\b|return\s+True\b|[\"']\*[\"'])"),
    re.compile(r"(?:\|\||\?\?|\bor\b|:-)\s*\[?\s*[\"']\*[\"']"),  # `x || "*"`, `x or ["*"]`
    re.compile(r"(?i)AllowAllOrigins\s*[:=]+\s*(?:len\(|[\w.]+\s*==\s*\"\"|!)"),
    re.compile(r"(?i)allow_all_origins\s*=\s*not\b|CORS_(?:ORIGIN_)?ALLOW_ALL\w*\s*=\s*not\b"),
]
# The value is split into a list (empty narrows: nothing extra is allowed).
_PARSES = re.compile(r"\.split\(|strings\.(?:Split|Fields|FieldsFunc)\(|\.split\s*\(|env\.list\(|"
                     r"\bcast=\s*(?:Csv|list)|parse_list|split_words|:\"[^\"]*envSeparator|\[\]string\b")


_ORIGINISH = re.compile(r"(?i)origin|host")
# `if len(allowedOrigins) == 0 { return true }` in the function that checks an origin.
_EMPTY_ORIGIN_CHECK = re.compile(
    r"(?i)(?:len\(\s*[\w.]*(?:origin|host)\w*\s*\)\s*==\s*0|\bnot\s+[\w.]*(?:origin|host)\w*\s*:|"
    r"[\w.]*(?:origin|host)\w*\.length\s*===?\s*0)[^\n]*(?:\n[^\n]*){0,2}?(?:return\s+true\b|[\"']\*[\"'])")


def _empty_check_allows(text: str) -> bool:
    return bool(_EMPTY_ORIGIN_CHECK.search(text))


@dataclass(frozen=True)
class Reader:
    path: str
    line: int
    allows_all: bool
    parses_list: bool


def readers(name: str, repo: RepoView | None) -> list[Reader]:
    """Every place the code names the variable `name` (as a string), with what follows the read."""
    if repo is None:
        return []
    # `"CORS_ALLOWED_ORIGINS"` (getenv, viper, environ), `process.env.CORS_ALLOWED_ORIGINS`, or a settings
    # field of that name (pydantic-settings reads `cors_allowed_origins` from the variable).
    n = re.escape(name)
    quoted = re.compile(rf"[\"'`]{n}[\"'`]|process\.env\.{n}\b|^[ \t]*(?i:{n})[ \t]*[:=]", re.MULTILINE)
    found = []
    for kind in ("python", "go", "js"):
        for code in repo.files(kind):
            if name not in code.text:
                continue
            # The emptiness check often sits in the origin-check function, away from the read.
            checks = "\n".join(x for x in code.lines if _ORIGINISH.search(x))
            file_allows = any(p.search(checks) for p in _ALLOW_ALL[1:])
            for m in quoted.finditer(code.text):
                line = code.line_at(m.start())
                window = "\n".join(code.lines[line - 1:line + 14])
                allows = file_allows or any(p.search(window) for p in _ALLOW_ALL) or _empty_check_allows(code.text)
                found.append(Reader(code.path, line, allows, bool(_PARSES.search(window))))
    return found
