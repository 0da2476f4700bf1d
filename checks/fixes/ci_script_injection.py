"""ci.script-injection: move the tainted `${{ }}` expressions of a run step into `env:` and use the
variables in the script (the whole step is one fix, whichever of its lines the finding is on)."""
from __future__ import annotations

import re

from checks.ci._ci import gha_steps
from checks.ci.ci_script_injection import tainted_in
from checks.fixes import FixContext, Suggestion, Where, fixer
from checks.fixes._edit import replace_lines
from checks.fixes._yaml import key_column, step
from checks.lang.yamlast import YMap
from checks.source import SourceFile

_PATH = re.compile(r"""^\$\{\{\s*(github(?:\.[\w-]+|\[\s*'[\w-]+'\s*\]|\[\s*"[\w-]+"\s*\])+)\s*\}\}$""")
# a shell other than bash/sh (pwsh on Windows runners) reads variables differently
_OTHER_SHELL = re.compile(r"shell\s*:\s*(?!\s)(?!bash|sh\b)|runs-on\s*:.*windows", re.IGNORECASE)


@fixer("ci.script-injection")
def fix(f: SourceFile, where: Where, ctx: FixContext) -> Suggestion | None:
    if _OTHER_SHELL.search(f.text):
        return None
    found = [s for doc in f.yaml_docs for _job, _j, s in gha_steps(doc)
             if isinstance(s.get("run"), str) and s.key_lines.get("run", 0) <= where.line <= s.end_line]
    if len(found) != 1:
        return None
    s = found[0]
    run_key = s.key_lines["run"]
    later_keys = [n for n in s.key_lines.values() if n > run_key]
    run_end = min(later_keys) - 1 if later_keys else s.end_line
    env = s.get("env", YMap())
    if not isinstance(env, YMap):
        return None
    names: dict[str, str] = {}  # expression -> variable
    for expr, _path in tainted_in(s["run"]):
        m = None if "\n" in expr else _PATH.match(expr.strip())  # a multi-line `${{ }}`: no line to edit
        if m is None:
            return None  # a function call or operator: the variable's value would need thought
        names.setdefault(expr, _variable(m.group(1), env, names.values()))
    if not names:
        return None
    lines = [f.line(n) for n in range(run_key, run_end + 1)]
    for i, text in enumerate(lines):
        for expr, var in names.items():
            text = _substitute(text, expr, var)
            if text is None:
                return None
        lines[i] = text
    col = key_column(f, s)
    if col is None:
        return None
    unit = step(f)
    new_env = [" " * (col + unit) + f"{var}: {expr}" for expr, var in names.items()]
    if env:
        env_end = env.end_line
        first = min(env_end, run_key)
        block = [f.line(n) for n in range(first, run_end + 1)]
        if env_end < run_key:  # env above run: append to env, then the rewritten run
            block = [*block[: env_end - first + 1], *[" " * _env_column(f, env) + e.lstrip() for e in new_env],
                     *[f.line(n) for n in range(env_end + 1, run_key)], *lines]
            return replace_lines(first, run_end, block)
        return None  # env after run: rare, and not worth reordering the step
    return replace_lines(run_key, run_end, [*lines, " " * col + "env:", *new_env])


def _env_column(f: SourceFile, env: YMap) -> int:
    return key_column(f, env) or 0


def _variable(path: str, env: YMap, taken) -> str:
    parts = [p for p in re.split(r"[.\[\]'\"\s]+", path) if p and p not in ("github", "event")]
    name = re.sub(r"\W", "_", "_".join(parts[-2:])).upper()
    candidate, n = name, 2
    while candidate in env or candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    return candidate


def _substitute(line: str, expr: str, var: str) -> str | None:
    """`expr` replaced by the variable, quoted for the shell; None inside single quotes."""
    out = []
    rest = line
    while expr in rest:
        before, _, rest = rest.partition(expr)
        quotes = _open_quote(before)
        if quotes == "'":
            if before.endswith("'") and rest.startswith("'") and _open_quote(before[:-1]) is None:
                before, rest = before[:-1], rest[1:]
                out.append(f'{before}"${{{var}}}"')
                continue
            return None
        out.append(f"{before}${{{var}}}" if quotes == '"' else f'{before}"${{{var}}}"')
        before = ""
    return "".join(out) + rest


def _open_quote(text: str) -> str | None:
    """The shell quote open at the end of `text` on this line, if any."""
    quote = None
    escaped = False
    for ch in text:
        if escaped:
            escaped = False
        elif ch == "\\" and quote != "'":
            escaped = True
        elif quote is None and ch in "'\"":
            quote = ch
        elif ch == quote:
            quote = None
    return quote
