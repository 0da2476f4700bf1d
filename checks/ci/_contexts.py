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
    r"|pages\.[\w*-]+\.(?:page_name|title)"
    rf"|(?:commits\.[\w*-]+|head_commit|workflow_run\.head_commit|merge_group\.head_commit)\.{_COMMIT_TEXT}"
    r"|workflow_run\.(?:head_branch|display_title|head_repository\.description"
    r"|pull_requests\.\*\.head\.ref)"
    r"))(?![\w-])"
)
# GitHub's own rule of thumb for the rest of the event payload: fields ending in these names may
# hold someone else's text. Outside the explicit list above they are reported LOW ("verify").
_SUFFIX = re.compile(
    r"(?<![\w.])github\.event\.[\w.*-]*?(?:body|default_branch|email|head_ref|label|message|name|page_name"
    r"|ref|title|description|note)(?![\w.-])"
)
# Fields of the suffix heuristic that only the repository's own people set, or with a charset that
# cannot carry shell syntax (repository and account names, tags, the base branch).
_TRUSTED_SUFFIX = re.compile(
    r"github\.event\.(?:repository|organization|sender|enterprise|installation|inputs|client_payload)\."
    r"|^github\.event\.(?:base_)?ref$"  # the pushed branch or tag: people with write access
    r"|\.(?:tag_name|full_name|login)$|\.base\.(?:ref|label|repo\.)|(?:repo|repository)\.name$"
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
_MATRIX_REF = re.compile(r"(?<![\w.])matrix\.([A-Za-z_][\w-]*)")
_INPUT_REF = re.compile(r"(?<![\w.])inputs\.([A-Za-z_][\w-]*)")
_EVENT_INPUT_REF = re.compile(r"(?<![\w.])github\.event\.inputs\.([a-z_][\w-]*)")
# Input types whose value cannot carry shell syntax.
_SAFE_INPUT_TYPES = {"boolean", "number", "choice", "environment"}


_PR_EVENTS = {"pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"}
# Which triggers fill which part of the event payload: on other triggers the value is empty.
_EVENTS_BY_PREFIX = [
    ("github.head_ref", _PR_EVENTS),
    ("github.event.pull_request.", _PR_EVENTS),
    ("github.event.issue.", {"issues", "issue_comment"}),
    ("github.event.comment.", {"issue_comment", "pull_request_review_comment", "commit_comment",
                               "discussion_comment"}),
    ("github.event.review.", {"pull_request_review"}),
    ("github.event.review_comment.", {"pull_request_review_comment"}),
    ("github.event.discussion.", {"discussion", "discussion_comment"}),
    ("github.event.pages.", {"gollum"}),
    ("github.event.commits.", {"push"}),
    ("github.event.head_commit.", {"push"}),
    ("github.event.workflow_run.", {"workflow_run"}),
    ("github.event.merge_group.", {"merge_group"}),
]


def set_by(path: str, on: set[str]) -> bool:
    """Whether any of the workflow's triggers can fill `path` (unknown triggers: assume yes)."""
    if not on or "workflow_call" in on:
        return True  # a composite action or reusable workflow runs on its caller's event
    for prefix, events in _EVENTS_BY_PREFIX:
        if path.startswith(prefix):
            return bool(on & events)
    return True


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


def tainted_paths(inner: str, on: set[str] | None = None) -> list[str]:
    """Attacker-controlled context paths whose value reaches the text `${{ inner }}` expands to
    (only those the workflow's triggers `on` can fill, when given)."""
    value = _value_part(normalise(inner))
    paths = [m.group(0) for m in TAINTED.finditer(value)]
    paths += [m.group(0) for m in TAINTED_OBJECT.finditer(value)]
    return [p for p in dict.fromkeys(paths) if on is None or set_by(p, on)]


def _names(inner: str, context: str, pattern: re.Pattern[str]) -> list[str]:
    value = _value_part(inner)
    value = re.sub(rf"""(?<![\w.]){context}\[\s*['"]([\w-]+)['"]\s*\]""", rf"{context}.\1", value)
    return list(dict.fromkeys(m.group(1) for m in pattern.finditer(value)))


def suffix_paths(inner: str) -> list[str]:
    """Event fields GitHub's suffix rule of thumb calls untrusted that the explicit list does not name."""
    value = _value_part(normalise(inner))
    out = []
    for m in _SUFFIX.finditer(value):
        path = m.group(0)
        if not TAINTED.fullmatch(path) and not _TRUSTED_SUFFIX.search(path):
            out.append(path)
    return list(dict.fromkeys(out))


def env_names(inner: str) -> list[str]:
    """`env.NAME` references in an expression (their value is pasted into the script too)."""
    return _names(inner, "env", _ENV_REF)


def matrix_names(inner: str) -> list[str]:
    return _names(inner, "matrix", _MATRIX_REF)


def input_names(inner: str) -> list[str]:
    """`inputs.X`, and the older `github.event.inputs.X` of manually run workflows."""
    names = _names(inner, "inputs", _INPUT_REF)
    names += [m.group(1) for m in _EVENT_INPUT_REF.finditer(_value_part(normalise(inner)))]
    return list(dict.fromkeys(names))


def _string_inputs(declared: Any) -> set[str]:
    if not isinstance(declared, dict):
        return set()
    return {str(k) for k, v in declared.items()
            if not (isinstance(v, dict) and str(v.get("type", "string")).lower() in _SAFE_INPUT_TYPES)}


def _trigger_inputs(doc: dict, trigger: str) -> set[str]:
    on = next((doc[k] for k in ("on", True) if k in doc), None)
    spec = on.get(trigger) if isinstance(on, dict) else None
    return _string_inputs(spec.get("inputs") if isinstance(spec, dict) else None)


def caller_inputs(doc: Any, composite: bool) -> set[str]:
    """Free-text inputs a caller hands in: every input of a composite action, the string inputs of a
    reusable workflow (`on: workflow_call`)."""
    if not isinstance(doc, dict):
        return set()
    if composite:
        declared = doc.get("inputs")
        return {str(k) for k in declared} if isinstance(declared, dict) else set()
    return _trigger_inputs(doc, "workflow_call")


def dispatch_inputs(doc: Any) -> set[str]:
    """Free-text `workflow_dispatch` inputs: typed by whoever runs the workflow (write access)."""
    return _trigger_inputs(doc, "workflow_dispatch") if isinstance(doc, dict) else set()


def tainted_in(text: str, on: set[str] | None = None) -> list[tuple[str, str]]:
    """(whole `${{ }}` expression, tainted context path) pairs found in `text`."""
    out = []
    for m in EXPRESSION.finditer(text):
        for path in tainted_paths(m.group(1), on):
            out.append((m.group(0), path))
    return out


def tainted_matrix(strategy: Any, on: set[str] | None = None) -> dict[str, str]:
    """Matrix variables built from an attacker-controlled context (`dynamic: ${{ fromJSON(...) }}`)."""
    matrix = strategy.get("matrix") if isinstance(strategy, dict) else None
    if isinstance(matrix, str):
        found = tainted_in(matrix, on)
        return {"*": found[0][1]} if found else {}
    if not isinstance(matrix, dict):
        return {}
    out = {}
    for name, value in matrix.items():
        if isinstance(value, str):
            found = tainted_in(value, on)
            if found:
                out[str(name)] = found[0][1]
    return out


def tainted_env(scopes: list[Any], on: set[str] | None = None) -> dict[str, str]:
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
                found = tainted_in(value, on)
                if found:
                    out[key] = found[0][1]
    return out
