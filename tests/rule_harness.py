"""Run one rule over a fixture directory and read the `ruleid:` / `ok:` annotations in it.

A fixture directory `tests/fixtures/rules/<rule-id>/` is a tiny repository: every file in it is
reviewed under its path *relative to that directory* (so `deploy/app.yaml` there is reviewed as
`deploy/app.yaml`, and `tests/x.py` as a test file). A comment line `ruleid: <id>` marks the next
line as one the rule must flag; `ok: <id>` marks the next line as one it must not flag. Every
flagged line must be annotated: the test compares the exact sets of lines.
"""
from __future__ import annotations

import re
from pathlib import Path

from bot.config import Config
from bot.engine import analyze_file
from checks.registry import RepoView, Rule
from checks.source import SourceFile

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
_ANNOTATION = re.compile(r"^\s*(?:#|//|/\*|<!--|--|;|\*)\s*(ruleid|ok):\s*([\w.,\s-]+?)\s*(?:\*/|-->)?\s*$")


def annotations(text: str, rule_id: str) -> tuple[set[int], set[int]]:
    """(lines that must fire, lines that must not) for `rule_id` in a fixture text."""
    fire: set[int] = set()
    ok: set[int] = set()
    pending: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        m = _ANNOTATION.match(line)
        if m:
            ids = {part.strip() for part in m.group(2).split(",")}
            if rule_id in ids:
                pending.append(m.group(1))
            continue
        for kind in pending:
            (fire if kind == "ruleid" else ok).add(number)
        pending = []
    return fire, ok


def load_fixture_dir(directory: Path) -> dict[str, SourceFile]:
    files = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            rel = path.relative_to(directory).as_posix()
            files[rel] = SourceFile(rel, path.read_text(encoding="utf-8"))
    return files


def run_rule(rule: Rule, files: dict[str, SourceFile], config: Config | None = None
             ) -> dict[str, set[int]]:
    """Lines each file is flagged on by `rule` (every file counts as changed)."""
    config = config or Config()
    repo = RepoView(files, changed=files) if rule.repo_kinds else None
    out: dict[str, set[int]] = {}
    for path, source in files.items():
        result = analyze_file(source, {rule.id: rule}, config, repo)
        assert not result.errors, result.errors
        out[path] = {f.line for f in result.findings}
    return out


def run_on_text(rule: Rule, path: str, text: str) -> set[int]:
    return run_rule(rule, {path: SourceFile(path, text)})[path]
