"""Run one rule over a fixture directory and read the `ruleid:` / `ok:` annotations in it.

A fixture directory `tests/fixtures/rules/<rule-id>/` is a tiny repository: every file in it is
reviewed under its path *relative to that directory* (so `deploy/app.yaml` there is reviewed as
`deploy/app.yaml`, and `tests/x.py` as a test file). A comment line `ruleid: <id>` marks the next
line as one the rule must flag; `ok: <id>` marks the next line as one it must not flag. Every
flagged line must be annotated: the test compares the exact sets of lines.
"""
from __future__ import annotations

import re
import textwrap
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


# --- table tests written from the catalog rows -------------------------------------------------
# A case is (path, text, expected lines). In the source of a case, a line the rule must flag ends
# with a marker: `«`, or `# <<` / `// <<` (so the case stays valid code for editors); the marker
# is stripped before the rule runs.

_MARKER = re.compile(r"[ \t]*(?:«|(?://|#) <<)[ \t]*$")


def case(path: str, text: str) -> tuple[str, str, set[int]]:
    source = textwrap.dedent(text).lstrip("\n")
    out: list[str] = []
    flagged: set[int] = set()
    for number, line in enumerate(source.split("\n"), start=1):
        if _MARKER.search(line):
            flagged.add(number)
            line = _MARKER.sub("", line)
        out.append(line)
    joined = "\n".join(out)
    return path, joined if joined.endswith("\n") else joined + "\n", flagged


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def config_with(rule_id: str, options: dict) -> Config:
    from bot.config import RuleSettings

    return Config(rules={rule_id: RuleSettings(options=options)}) if options else Config()


def findings(rule_id: str, path: str, text: str, *, strict: bool = False, **options) -> list:
    """Findings of one rule on one file. `strict`: the file must also parse (a skip fails)."""
    from checks import all_rules

    rule = all_rules()[rule_id]
    source = SourceFile(path, text)
    repo = RepoView({path: source}, changed=[path]) if rule.repo_kinds else None
    result = analyze_file(source, {rule_id: rule}, config_with(rule_id, options), repo)
    assert not result.errors, result.errors
    if strict:
        assert result.skipped is None, result.skipped
    return result.findings


def lines(rule_id: str, path: str, text: str, **options) -> set[int]:
    return {f.line for f in findings(rule_id, path, text, **options)}


def repo_lines(rule_id: str, cases, **options) -> tuple[dict, dict]:
    """(flagged lines per path, expected lines per path) of a multi-file case."""
    from checks import all_rules

    files = {path: SourceFile(path, text) for path, text, _ in cases}
    got = run_rule(all_rules()[rule_id], files, config_with(rule_id, options))
    return got, {path: expected for path, _, expected in cases}
