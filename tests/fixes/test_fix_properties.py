"""Every fixer against its rule's positive fixtures: the fixed file still parses, the fixed findings
are gone and nothing else changed, no other rule starts firing, and fixing again changes nothing."""
from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from bot.config import Config
from bot.engine import analyze_file
from checks import all_rules
from checks.fixes import apply, fixers
from checks.registry import RepoView
from checks.source import SourceFile
from tests.rule_harness import FIXTURES, load_fixture_dir

RULES = all_rules()


def fake_resolve(repo: str, ref: str) -> str | None:
    """A deterministic stand-in for the forge API / git ls-remote (short SHAs do not resolve)."""
    return None if len(ref) >= 7 and all(c in "0123456789abcdef" for c in ref) else \
        hashlib.sha1(f"{repo}@{ref}".encode()).hexdigest()


def findings(files: dict[str, SourceFile], path: str):
    result = analyze_file(files[path], RULES, Config(), RepoView(files, changed=files), resolve=fake_resolve)
    assert not result.errors, result.errors
    return result


def parse(source: SourceFile) -> None:
    """Parse with the parsers the rules use for this kind of file (raises on a syntax error)."""
    kinds = source.kinds
    parsed = [source.python if "python" in kinds else None, source.go if "go" in kinds else None,
              source.yaml_docs if kinds & {"yaml", "k8s", "gha", "compose"} else None,
              source.dockerfile if "dockerfile" in kinds else None]
    assert any(p is not None for p in parsed), kinds


def fixed_cases(rule_id: str):
    files = load_fixture_dir(FIXTURES / rule_id)
    for path in files:
        result = findings(files, path)
        mine = [f for f in result.findings if f.rule == rule_id and f.suggestion is not None]
        if mine:
            yield files, path, result, mine


@pytest.mark.parametrize("rule_id", sorted(fixers()))
def test_fixes_resolve_their_findings_and_nothing_else(rule_id: str) -> None:
    assert rule_id in RULES
    cases = list(fixed_cases(rule_id))
    assert cases, f"{rule_id}: no fixture finding has a fix"
    for files, path, before, mine in cases:
        text, after = fix_until_stable(files, path, rule_id)
        assert text != files[path].text
        parse(SourceFile(path, text))
        assert after.skipped is None, (path, after.skipped, text)
        # the fixed findings are gone, and the rule reports nothing it did not report before
        fixed = Counter(f.message for f in mine)
        still = Counter(f.message for f in before.findings if f.rule == rule_id) - fixed
        now = Counter(f.message for f in after.findings if f.rule == rule_id)
        assert not now - still, (path, now - still, text)
        others_before = Counter((f.rule, f.message) for f in before.findings if f.rule != rule_id)
        others_after = Counter((f.rule, f.message) for f in after.findings if f.rule != rule_id)
        assert not others_after - others_before, (path, others_after - others_before, text)
        # fixing the fixed file again changes nothing
        again = [f.suggestion for f in after.findings if f.rule == rule_id and f.suggestion is not None]
        assert apply(text, again) == text, (path, again)


def fix_until_stable(files: dict[str, SourceFile], path: str, rule_id: str, rounds: int = 3):
    """Apply the rule's fixes until none is left (a fix may enable another: an import that became
    unused), as `readiness fix` does."""
    text = files[path].text
    for _ in range(rounds):
        result = findings({**files, path: SourceFile(path, text)}, path)
        todo = [f.suggestion for f in result.findings if f.rule == rule_id and f.suggestion is not None]
        if not todo:
            return text, result
        text = apply(text, todo)
    raise AssertionError(f"{rule_id} fixes on {path} did not settle in {rounds} rounds")


@pytest.mark.parametrize("rule_id", sorted(fixers()))
def test_suggestions_replace_whole_lines(rule_id: str) -> None:
    for files, path, _before, mine in fixed_cases(rule_id):
        lines = files[path].lines
        for f in mine:
            s = f.suggestion
            assert 1 <= s.start_line <= s.end_line <= len(lines)
            assert s.replacement == "" or s.replacement.endswith("\n")
            assert s.original == "".join(line + "\n" for line in lines[s.start_line - 1 : s.end_line])
