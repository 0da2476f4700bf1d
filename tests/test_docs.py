"""Generated docs stay in step with the code."""
from __future__ import annotations

from pathlib import Path

from bot.render.rules_doc import render_rules_doc
from checks import all_rules

ROOT = Path(__file__).resolve().parent.parent


def test_rules_doc_is_up_to_date() -> None:
    expected = render_rules_doc(all_rules())
    actual = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/rules.md is stale: run `readiness rules --format markdown > docs/rules.md`"


def test_every_catalog_rule_is_implemented() -> None:
    catalog = (ROOT / "docs" / "catalog-ids.txt").read_text().split()
    missing = sorted(set(catalog) - set(all_rules()))
    assert not missing, f"rules in the catalog without an implementation: {missing}"
