"""Dockerfile helpers for the docker.* rules: FROM parsing and ARG resolution."""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from checks.lang.dockerfile import Instruction

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass
class From:
    ins: Instruction
    image: str  # as written
    resolved: str | None  # ARG-substituted (None when a variable has no default)
    alias: str | None


def arg_defaults(instructions: list[Instruction]) -> dict[str, str | None]:
    """Global ARG defaults (the ARGs before the first FROM) — the ones FROM can use."""
    out: dict[str, str | None] = {}
    for ins in instructions:
        if ins.stage >= 0:
            break
        if ins.cmd == "ARG":
            for name, value in pairs(ins.body):
                out[name] = value
    return out


def pairs(body: str) -> list[tuple[str, str | None]]:
    """`A=1 B="two"` / `A` / `A 1` (legacy ENV form) as (name, value) pairs."""
    try:
        toks = shlex.split(body, posix=True)
    except ValueError:
        toks = body.split()
    if not toks:
        return []
    if "=" not in toks[0]:
        # `ENV NAME value with spaces` or `ARG NAME`
        return [(toks[0], " ".join(toks[1:]) if len(toks) > 1 else None)]
    out = []
    for t in toks:
        name, eq, value = t.partition("=")
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", name):
            out.append((name, value if eq else None))
    return out


def substitute(text: str, args: dict[str, str | None]) -> str | None:
    missing = False

    def repl(m: re.Match[str]) -> str:
        nonlocal missing
        name = m.group(1) or m.group(2)
        inline = re.match(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}", m.group(0))
        value = args.get(name)
        if value is None and inline:
            value = inline.group(1)
        if value is None:
            missing = True
            return ""
        return value

    out = _VAR.sub(repl, text)
    return None if missing else out


def froms(instructions: list[Instruction]) -> list[From]:
    args = arg_defaults(instructions)
    out = []
    for ins in instructions:
        if ins.cmd != "FROM":
            continue
        toks = ins.body.split()
        if not toks:
            continue
        image = toks[0]
        alias = toks[2] if len(toks) >= 3 and toks[1].lower() == "as" else None
        out.append(From(ins, image, substitute(image, args) if "$" in image else image, alias))
    return out
