"""Shared helpers for the ci rules: GitHub Actions / GitLab CI structure and line lookup."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from checks.lang.yamlast import YList, YMap
from checks.source import SourceFile

GITLAB_RESERVED = {
    "stages", "variables", "include", "default", "workflow", "image", "services", "cache",
    "before_script", "after_script", "types", "pages:deploy",
}


def workflow_on(doc: Any) -> Any:
    """The `on:` value of a workflow (YAML 1.1 parses the bare key `on` as boolean True)."""
    if not isinstance(doc, dict):
        return None
    for key in ("on", True, "On", "ON"):
        if key in doc:
            return doc[key]
    return None


def triggers(doc: Any) -> set[str]:
    on = workflow_on(doc)
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return {str(x) for x in on}
    if isinstance(on, dict):
        return {str(k) for k in on}
    return set()


def gha_jobs(doc: Any) -> Iterator[tuple[str, YMap]]:
    if not isinstance(doc, dict):
        return
    jobs = doc.get("jobs")
    if isinstance(jobs, dict):
        for name, job in jobs.items():
            if isinstance(job, dict):
                yield str(name), job


def job_steps(job: Any) -> list[YMap]:
    steps = job.get("steps") if isinstance(job, dict) else None
    if isinstance(steps, list):
        return [s for s in steps if isinstance(s, dict)]
    return []


def gha_steps(doc: Any) -> Iterator[tuple[str, YMap, YMap]]:
    """(job name, job, step) for every step of every job, and of a composite action's `runs:`."""
    for name, job in gha_jobs(doc):
        for step in job_steps(job):
            yield name, job, step
    runs = composite_runs(doc)
    if runs is not None:
        for step in job_steps(runs):
            yield "runs", runs, step


def composite_runs(doc: Any) -> YMap | None:
    """The `runs:` mapping of a composite action (`runs: {using: composite, steps: [...]}`)."""
    runs = doc.get("runs") if isinstance(doc, dict) else None
    if isinstance(runs, dict) and str(runs.get("using", "")).lower() == "composite":
        return runs
    return None


def action_name(uses: Any) -> str:
    """`actions/checkout@v4` -> `actions/checkout` (lower-case)."""
    if not isinstance(uses, str):
        return ""
    return uses.split("@", 1)[0].strip().lower()


def value_line(m: Any, key: Any) -> int:
    if isinstance(m, YMap):
        return m.value_lines.get(key, m.key_lines.get(key, m.line))
    return getattr(m, "line", 1) or 1


def key_line(m: Any, key: Any) -> int:
    if isinstance(m, YMap):
        return m.key_lines.get(key, m.line)
    return getattr(m, "line", 1) or 1


def locate(f: SourceFile, start: int, needle: str, nth: int = 0, span: int | None = None) -> int:
    """Line of the `nth` occurrence (0-based) of `needle` in the raw text from line `start` on.

    Used to map a position inside a YAML scalar (a multi-line `run: |` block) back to the file.
    Falls back to `start` when the text cannot be found (escaped quoted scalars)."""
    end = len(f.lines) if span is None else min(len(f.lines), start + span)
    seen = 0
    for number in range(max(1, start), end + 1):
        count = f.line(number).count(needle)
        if count and seen + count > nth:
            return number
        seen += count
    return start


def offset_line(f: SourceFile, m: YMap, key: Any, offset: int, needle: str) -> int | None:
    """File line of character `offset` of a literal-block (`|`) value, when the line holds `needle`."""
    start = value_line(m, key)
    value = m.get(key)
    raw = f.line(start)
    if not isinstance(value, str) or not (re.search(r":\s*\|[-+0-9]*\s*(#.*)?$", raw)
                                          or re.match(r"\s*(-\s+)?\|[-+0-9]*\s*$", raw)):
        return None
    line = start + 1 + value.count("\n", 0, offset)  # a literal block keeps every line as written
    return line if needle in f.line(line) else None


def scalar_lines(f: SourceFile, m: YMap, key: Any) -> Iterator[tuple[int, str]]:
    """(file line, text) for each line of a scalar value, handling `|`/`>` blocks and plain values."""
    value = m.get(key)
    if not isinstance(value, str):
        return
    start = value_line(m, key)
    raw = f.line(start)
    block = re.search(r":\s*[|>][-+0-9]*\s*(#.*)?$", raw) or re.match(r"\s*(-\s+)?[|>][-+0-9]*\s*$", raw)
    parts = value.split("\n")
    if block:
        # Content starts on the next line; find each content line in order.
        cursor = start + 1
        for part in parts:
            if not part.strip():
                continue
            probe = part.strip()
            found = locate(f, cursor, probe, 0, span=200)
            if found < cursor:
                found = cursor
            yield found, part
            cursor = found + (1 if f.line(found).strip().endswith(probe) else 0)
    else:
        # Plain or quoted scalar: usually one line, multi-line plain scalars fold onto following lines.
        for i, part in enumerate(value.split("\n")):
            yield start + i, part


def gitlab_jobs(doc: Any) -> Iterator[tuple[str, YMap]]:
    if not isinstance(doc, dict):
        return
    for name, job in doc.items():
        if isinstance(name, str) and name not in GITLAB_RESERVED and isinstance(job, dict):
            if any(k in job for k in ("script", "extends", "stage", "artifacts", "trigger", "before_script")):
                yield name, job


def script_items(job: YMap, keys: tuple[str, ...] = ("before_script", "script", "after_script")
                 ) -> Iterator[tuple[int, str]]:
    """(line, command) for the script entries of a GitLab job (nested lists flattened)."""
    for key in keys:
        value = job.get(key)
        yield from _flatten(value, value_line(job, key))


def _flatten(value: Any, line: int) -> Iterator[tuple[int, str]]:
    if isinstance(value, str):
        yield line, value
    elif isinstance(value, YList):
        for i, item in enumerate(value):
            item_line = value.item_lines[i] if i < len(value.item_lines) else line
            yield from _flatten(item, item_line)
    elif isinstance(value, list):
        for item in value:
            yield from _flatten(item, line)


CI_FILE_KINDS = frozenset({"gha", "gitlab-ci"})


def test_code_outside_ci(f: SourceFile) -> bool:
    """A script or Makefile under a test folder: skipped, unlike a pipeline file kept there."""
    return f.is_test and not f.kinds & CI_FILE_KINDS


def strip_comment(line: str, kinds: frozenset[str]) -> str:
    """Drop a whole-line comment (shell/YAML/Makefile `#`, Groovy `//`)."""
    s = line.lstrip()
    if s.startswith("#") or ("jenkinsfile" in kinds and (s.startswith("//") or s.startswith("*"))):
        return ""
    return line


def mapping_items(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k), v
