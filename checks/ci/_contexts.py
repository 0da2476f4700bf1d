"""GitHub Actions expression contexts: which `${{ }}` values an outside contributor controls."""
from __future__ import annotations

import re
from typing import Any

EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)

# Free-text fields an outside contributor writes (GitHub's security-hardening guide and the
# Security Lab's untrusted-input list, plus the same data reached through `workflow_run`,
# `merge_group` and `edited` events). Paths are normalised first: lower-case, `['x']` -> `.x`,
# `[0]` -> `.*`.
_COMMIT_TEXT = r"(?:message|(?:author|committer)\.(?:name|email))"
TAINTED = re.compile(
    r"(?<![\w.])github\.(?:"
    r"head_ref"
    r"|event\.(?:"
    r"pull_request\.(?:title|body|head\.(?:ref|label|repo\.(?:default_branch|description|homepage)))"
    r"|issue\.(?:title|body)"
    r"|discussion\.(?:title|body)"
    r"|(?:comment|review|review_comment)\.body"
    r"|changes\.(?:title|body)\.from"
    r"|pages\.\*\.(?:page_name|title)"
    rf"|(?:commits\.\*|head_commit|workflow_run\.head_commit|merge_group\.head_commit)\.{_COMMIT_TEXT}"
    r"|workflow_run\.(?:head_branch|display_title|head_repository\.description"
    r"|pull_requests\.\*\.head\.ref)"
    r"))(?![\w-])"
)
# A whole event object serialised into the script (`toJSON(github.event.pull_request)`) carries
# every free-text field inside it.
TAINTED_OBJECT = re.compile(
    r"(?<![\w.])github(?:\.event(?:\.(?:pull_request(?:\.head)?|issue|discussion|comment|review"
    r"|review_comment|head_commit|commits|workflow_run|pages|merge_group))?)?(?![\w.\[-])"
)
# Uses whose result is a boolean or a constant, whatever the tainted value is.
_BOOLEAN_CALL = re.compile(r"\b(?:contains|startswith|endswith)\s*\([^()]*\)", re.I)
_OPERAND = r"(?:[\w.*\-\[\]'\"]+|'[^']*')"
_COMPARISON = re.compile(rf"{_OPERAND}\s*(?:==|!=|<=|>=|<|>)\s*{_OPERAND}")
_ENV_REF = re.compile(r"(?<![\w.])env\.([A-Za-z_][\w-]*)")


def normalise(expr: str) -> str:
    e = expr.lower()
    e = re.sub(r"""\[\s*['"]([\w-]+)['"]\s*\]""", r".\1", e)
    e = re.sub(r"\[\s*(\d+|\*)\s*\]", ".*", e)
    return re.sub(r"\.\d+(?=\.)", ".*", e)


def _value_part(expr: str) -> str:
    """The expression with the parts that can only yield a boolean removed (`contains(...)`, `==`)."""
    previous = None
    e = expr
    while previous != e:
        previous = e
        e = _BOOLEAN_CALL.sub(" true ", e)
    return _COMPARISON.sub(" true ", e)


def tainted_paths(inner: str) -> list[str]:
    """Attacker-controlled context paths whose value reaches the text `${{ inner }}` expands to."""
    value = _value_part(normalise(inner))
    paths = [m.group(0) for m in TAINTED.finditer(value)]
    paths += [m.group(0) for m in TAINTED_OBJECT.finditer(value)]
    return list(dict.fromkeys(paths))


def env_names(inner: str) -> list[str]:
    """`env.NAME` references in an expression (their value is pasted into the script too)."""
    value = _value_part(inner)
    value = re.sub(r"""env\[\s*['"]([\w-]+)['"]\s*\]""", r"env.\1", value)
    return list(dict.fromkeys(m.group(1) for m in _ENV_REF.finditer(value)))


def tainted_in(text: str) -> list[tuple[str, str]]:
    """(whole `${{ }}` expression, tainted context path) pairs found in `text`."""
    out = []
    for m in EXPRESSION.finditer(text):
        for path in tainted_paths(m.group(1)):
            out.append((m.group(0), path))
    return out


def tainted_env(scopes: list[Any]) -> dict[str, str]:
    """Environment variables (nearest scope wins) whose value is an attacker-controlled context."""
    out: dict[str, str] = {}
    seen: set[str] = set()
    for env in scopes:  # nearest first: step, job, workflow
        if not isinstance(env, dict):
            continue
        for name, value in env.items():
            key = str(name)
            if key in seen:
                continue
            seen.add(key)
            if isinstance(value, str):
                found = tainted_in(value)
                if found:
                    out[key] = found[0][1]
    return out
