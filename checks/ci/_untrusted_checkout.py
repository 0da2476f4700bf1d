"""Where a privileged GitHub workflow fetches the pull request's (or a fork's) code."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from checks.ci._ci import action_name, scalar_lines, value_line
from checks.ci._contexts import set_by
from checks.source import SourceFile

# Triggers that run with the base repository's secrets and a write token while their event
# describes someone else's code.
PRIVILEGED = {"pull_request_target", "workflow_run", "issue_comment"}

# Refs, SHAs and PR numbers that name the pull request's head or merge commit.
UNTRUSTED_REF = re.compile(
    r"github\.event\.pull_request\.(?:head\.(?:sha|ref)|merge_commit_sha)"
    r"|github\.head_ref"
    r"|github\.event\.workflow_run\.(?:head|pull_requests)"
    r"|refs/pull/|\bpull/(?:\$\{\{[^}]*\}\}|[^\s/]+)/(?:head|merge)\b"
    # the PR's head looked up by an earlier step or job (comment-triggered workflows)
    r"|\b(?:steps|needs)\.[\w-]+\.outputs\.[\w-]*(?:head|pr[_-]?(?:sha|ref|branch)|pull[_-]?(?:sha|ref))",
    re.I,
)
# The fork itself.
UNTRUSTED_REPO = re.compile(
    r"github\.event\.pull_request\.head\.repo\.(?:full_name|clone_url|html_url|git_url|ssh_url|name)"
    r"|github\.event\.workflow_run\.head_repository\.(?:full_name|clone_url|html_url|name)",
    re.I,
)
_GIT = r"\bgit\s+(?:-C\s+\S+\s+)?"
_GIT_CHECKOUT = re.compile(_GIT + r"(?:checkout|switch|pull|reset|clone|worktree\s+add)\b")
_GIT_FETCH = re.compile(_GIT + r"fetch\b")
# After a fetch, what puts the fetched commit into the working tree.
_GIT_USE_FETCHED = re.compile(_GIT + r"(?:checkout|switch|reset|merge|rebase|cherry-pick|worktree\s+add)\b|FETCH_HEAD")
_GH_CHECKOUT = re.compile(r"\bgh\s+pr\s+checkout\b")


def env_values(scopes: list[Any]) -> dict[str, str]:
    """Environment variable values, nearest scope first wins (step, job, workflow)."""
    out: dict[str, str] = {}
    for env in scopes:
        if isinstance(env, dict):
            for name, value in env.items():
                if str(name) not in out and isinstance(value, str):
                    out[str(name)] = value
    return out


_CONTEXT = re.compile(r"github\.(?:head_ref|event\.[\w.*-]+)")


def _filled(text: str, on: set[str]) -> bool:
    """Whether the event fields `text` names are filled by one of the privileged triggers `on`
    (`github.head_ref` is empty under `issue_comment`; `git checkout ""` fetches nothing)."""
    paths = [m.group(0) for m in _CONTEXT.finditer(text.lower())]
    return not paths or any(set_by(p, on) for p in paths)


def _untrusted(text: str, on: set[str], pattern: re.Pattern[str] | None = None) -> bool:
    if pattern is None:
        found = UNTRUSTED_REF.search(text) or UNTRUSTED_REPO.search(text)
    else:
        found = pattern.search(text)
    return bool(found) and _filled(text, on)


def _untrusted_vars(env: dict[str, str], on: set[str]) -> set[str]:
    return {name for name, value in env.items() if _untrusted(value, on)}


def _expand_env(text: str, env: dict[str, str]) -> str:
    """`${{ env.X }}` -> the value it was set from (so a ref passed through env: is still seen)."""
    return re.sub(r"\$\{\{\s*env\.([A-Za-z_]\w*)\s*\}\}", lambda m: env.get(m.group(1), m.group(0)), text)


# `git checkout -b NAME` / `git switch -c NAME`: NAME is a new branch, not what is checked out.
_NEW_BRANCH = re.compile(r"\s-[bBcC]\s+\S+")


def _shell_untrusted(line: str, names: set[str], on: set[str]) -> bool:
    """A shell line that names the PR head directly or through an env var set from it."""
    line = _NEW_BRANCH.sub(" ", line)
    if _untrusted(line, on):
        return True
    return any(re.search(rf"\$\{{?{re.escape(n)}\b", line) for n in names)


def checkout_of_untrusted(f: SourceFile, step: Any, env: dict[str, str], on: set[str]) -> tuple[int, str] | None:
    """(line holding the untrusted ref, what it is) when this step fetches the PR's code under the
    privileged triggers `on`."""
    if action_name(step.get("uses")) == "actions/checkout":
        w = step.get("with")
        if not isinstance(w, dict):
            return None
        for key, pattern in (("ref", UNTRUSTED_REF), ("repository", UNTRUSTED_REPO)):
            value = w.get(key)
            if isinstance(value, str) and _untrusted(_expand_env(value, env), on, pattern):
                return value_line(w, key), f"`{key}: {' '.join(value.split())}`"
        return None
    if not isinstance(step.get("run"), str):
        return None
    names = _untrusted_vars(env, on)
    lines = [(n, t.strip()) for n, t in scalar_lines(f, step, "run") if not t.strip().startswith("#")]
    for line, text in lines:
        if _GH_CHECKOUT.search(text) or (_GIT_CHECKOUT.search(text) and _shell_untrusted(text, names, on)):
            return line, f"`{text}`"
    for i, (line, text) in enumerate(lines):
        if _GIT_FETCH.search(text) and _shell_untrusted(text, names, on):
            # Fetching alone (to diff against) leaves the working tree alone; checking it out does not.
            rest = [text[_GIT_FETCH.search(text).end():], *(t for _n, t in lines[i + 1:])]
            if any(_GIT_USE_FETCHED.search(t) for t in rest):
                return line, f"`{text}`"
    return None


def runs_after(script: str, needle: str) -> bool:
    """Whether the script goes on to run other commands after the line that fetched the code."""
    at = script.find(needle)
    if at < 0:
        return False
    rest = script[at + len(needle):]
    return any(ln.strip() and not ln.strip().startswith("#") for ln in re.split(r"\n|&&|;", rest))


def reusable_call_refs(f: SourceFile, job: Any, env: dict[str, str], on: set[str]) -> Iterator[tuple[int, str]]:
    """`with:` inputs of a reusable-workflow call (`jobs.<id>.uses`) that hand it the PR's ref."""
    w = job.get("with")
    if not isinstance(job.get("uses"), str) or not isinstance(w, dict):
        return
    for key, value in w.items():
        if isinstance(value, str) and re.search(r"ref|sha|branch|repo", str(key), re.I):
            if _untrusted(_expand_env(value, env), on):
                yield value_line(w, key), f"`{key}: {' '.join(value.split())}`"
