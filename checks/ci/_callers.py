"""What the repository's own workflows pass to a reusable workflow's or composite action's inputs."""
from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Any

from checks.ci._ci import gha_jobs, gha_steps
from checks.ci._contexts import tainted_in
from checks.registry import RepoView
from checks.source import ParseError, SourceFile


# Values passed on from somewhere this file does not show (another input, a step's output, env).
_OPAQUE = re.compile(r"\$\{\{[^}]*\b(?:inputs|steps|needs|env|matrix|vars)\.|\$\{\{[^}]*fromjson", re.I)


def _target(path: str, composite: bool) -> str:
    """How a local `uses:` names this file: `./.github/workflows/x.yml`, or the action's folder."""
    return "./" + (posixpath.dirname(path) if composite else path)


def _calls(doc: Any, target: str) -> Iterator[Any]:
    """`with:` mappings (or None) of the jobs/steps in `doc` that call `target`."""
    holders = [job for _name, job in gha_jobs(doc)] + [step for _j, _job, step in gha_steps(doc)]
    for holder in holders:
        uses = holder.get("uses")
        if isinstance(uses, str) and uses.strip().rstrip("/") == target:
            yield holder.get("with")


def caller_values(f: SourceFile, repo: RepoView | None, composite: bool) -> dict[str, list[Any]] | None:
    """Input name -> values the repository's callers pass (None when no caller is in the repository).

    A caller that omits an input contributes nothing for it (the input's default applies)."""
    if repo is None:
        return None
    target = _target(f.path, composite)
    found = False
    values: dict[str, list[Any]] = {}
    for other in repo.files("gha"):
        if other.path == f.path or posixpath.basename(target) not in other.text:
            continue
        try:
            docs = other.yaml_docs
        except ParseError:
            continue
        for doc in docs:
            for with_ in _calls(doc, target):
                found = True
                if isinstance(with_, dict):
                    for name, value in with_.items():
                        values.setdefault(str(name), []).append(value)
    return values if found else None


def input_origin(values: list[Any] | None) -> tuple[str, str | None] | None:
    """How risky an input is given what its callers pass: ("high", context) when a caller passes an
    attacker-controlled context, ("low", None) when callers are unknown or pass values we cannot
    see through, None when every caller passes a constant or a safe context."""
    if values is None:
        return "low", None
    for value in values:
        if isinstance(value, str):
            found = tainted_in(value)
            if found:
                return "high", found[0][1]
    if any(isinstance(v, str) and _OPAQUE.search(v) for v in values):
        return "low", None
    return None
