"""Every rule against its annotated fixtures: the exact lines that fire, and that must not."""
from __future__ import annotations

import pytest

from checks import all_rules
from tests.rule_harness import FIXTURES, annotations, load_fixture_dir, run_on_text, run_rule

# Review-level rules read no source file (no kinds): tests.patch-coverage comes from coverage
# reports and is proven in tests/coverage/. Every other rule has annotated fixtures.
RULES = {rule_id: r for rule_id, r in all_rules().items() if r.kinds}


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_fixtures(rule_id: str) -> None:
    directory = FIXTURES / rule_id
    assert directory.is_dir(), f"{rule_id} has no fixture directory {directory}"
    files = load_fixture_dir(directory)
    flagged = run_rule(RULES[rule_id], files)
    total_fire = total_ok = 0
    for path, source in files.items():
        fire, ok = annotations(source.text, rule_id)
        total_fire += len(fire)
        total_ok += len(ok)
        assert flagged[path] == fire, (
            f"{rule_id} on {path}: flagged lines {sorted(flagged[path])}, expected {sorted(fire)}"
        )
        assert not (flagged[path] & ok)
    assert total_fire >= 1, f"{rule_id}: fixtures have no `ruleid:` line"
    assert total_ok >= 1, f"{rule_id}: fixtures have no `ok:` line"


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_metadata_example(rule_id: str) -> None:
    rule = RULES[rule_id]
    assert rule.example is not None, f"{rule_id} has no bad/good example"
    assert rule.title and rule.why and rule.fix
    assert run_on_text(rule, rule.example.path, rule.example.bad), f"{rule_id}: bad example not flagged"
    assert not run_on_text(rule, rule.example.path, rule.example.good), f"{rule_id}: good example flagged"


def test_every_fixture_directory_names_a_rule() -> None:
    unknown = [d.name for d in FIXTURES.iterdir() if d.is_dir() and d.name not in RULES]
    assert not unknown, f"fixture directories for unknown rules: {unknown}"
