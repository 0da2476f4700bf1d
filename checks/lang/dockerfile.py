"""Dockerfile instructions with their line ranges: continuations, comments and heredocs handled."""
from __future__ import annotations

import re
from dataclasses import dataclass

from checks.lang.text import split_lines

_DIRECTIVE = re.compile(r"^#\s*escape\s*=\s*(\S)", re.I)
_HEREDOC = re.compile(r"<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")


@dataclass(frozen=True)
class Instruction:
    cmd: str  # upper-case keyword: FROM, RUN, USER ...
    args: str  # arguments with continuations joined by a space
    line: int  # 1-based first line
    end_line: int
    stage: int  # index of the build stage (FROM count - 1); -1 before the first FROM

    @property
    def flags(self) -> dict[str, str]:
        """Leading `--flag=value` options (e.g. COPY --from=build, RUN --mount=...)."""
        out = {}
        for tok in self.args.split():
            if not tok.startswith("--"):
                break
            key, _, value = tok[2:].partition("=")
            out[key] = value
        return out

    @property
    def body(self) -> str:
        """Arguments after the leading `--flag` options."""
        toks = self.args.split(" ")
        while toks and toks[0].startswith("--"):
            toks.pop(0)
        return " ".join(toks).strip()


def parse(text: str) -> list[Instruction]:
    lines = split_lines(text)
    escape = "\\"
    for raw in lines[:5]:
        m = _DIRECTIVE.match(raw.strip())
        if m:
            escape = m.group(1)
    out: list[Instruction] = []
    stage = -1
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        start = i
        parts: list[str] = []
        while True:
            cur = lines[i].rstrip()
            s = cur.strip()
            if i != start and s.startswith("#"):
                i += 1  # comment lines inside a continuation are dropped
                if i >= len(lines):
                    break
                continue
            if cur.endswith(escape):
                parts.append(cur[: -len(escape)].strip())
                i += 1
                if i >= len(lines):
                    break
                continue
            parts.append(s)
            break
        joined = " ".join(p for p in parts if p)
        # Heredoc bodies (RUN <<EOF ... EOF) belong to the instruction.
        for m in _HEREDOC.finditer(joined):
            term = m.group(1)
            while i + 1 < len(lines) and lines[i + 1].strip() != term:
                i += 1
                joined += "\n" + lines[i]
            if i + 1 < len(lines):
                i += 1
        keyword, _, args = joined.partition(" ")
        cmd = keyword.upper()
        if cmd == "FROM":
            stage += 1
        out.append(Instruction(cmd, args.strip(), start + 1, i + 1, stage))
        i += 1
    return out


def final_stage(instructions: list[Instruction]) -> list[Instruction]:
    """Instructions of the last build stage (the runtime image)."""
    if not instructions:
        return []
    last = max(ins.stage for ins in instructions)
    return [ins for ins in instructions if ins.stage == last]
