"""Suppressions are visible: unknown ids warn (report and stderr), the report counts what was suppressed;
near-miss names get a "did you mean" (edit distance) in config and `readiness rules ID`; `never` is listed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import ConfigError, load_text
from bot.suggest import closest, edit_distance
from tests.core.test_cli import cli

CODE = ('import requests\n\n\ndef fetch():\n'
        '    return requests.get("http://a")  # readiness: ignore[http.client-no-timout] typo\n\n\n'
        'def other():\n'
        '    return requests.get("http://b")  # readiness: ignore[http.client-no-timeout] retried upstream\n')


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "client.py").write_text(CODE)
    return tmp_path


def test_a_suppression_with_an_unknown_id_warns_in_the_report_and_on_stderr(tree: Path) -> None:
    proc = cli("scan", str(tree), "--format", "json")
    data = json.loads(proc.stdout)
    (warning,) = data["warnings"]
    assert warning.startswith("client.py:5:") and "http.client-no-timout" in warning
    assert "did you mean http.client-no-timeout?" in warning
    assert "readiness: warning: client.py:5:" in proc.stderr
    assert [(f["rule"], f["line"]) for f in data["findings"]] == [("http.client-no-timeout", 5)]
    markdown = cli("scan", str(tree)).stdout
    assert "**Warnings:**" in markdown and "http.client-no-timout" in markdown


def test_the_report_counts_suppressed_findings(tree: Path) -> None:
    assert json.loads(cli("scan", str(tree), "--format", "json").stdout)["suppressed"] == 1
    assert "· 1 suppressed" in cli("scan", str(tree)).stdout


def test_placeholders_in_documentation_of_the_syntax_do_not_warn(tmp_path: Path) -> None:
    (tmp_path / "doc.py").write_text('"""Suppress with `# readiness: ignore[rule-id] reason`."""\n')
    assert "warnings" not in json.loads(cli("scan", str(tmp_path), "--format", "json").stdout)


def test_edit_distance_and_closest() -> None:
    assert edit_distance("kitten", "sitting") == 3
    known = ["docker.root-user", "docker.unpinned-base", "k8s.security-context"]
    assert closest("dokcer.root-user", known) == ["docker.root-user"]  # a typo in the area, not the name
    assert closest("root-usr", known) == ["docker.root-user"]  # the area left out
    assert closest("nothing.like-it", known) == []


@pytest.mark.parametrize(("text", "suggestion"), [
    ("rules:\n  dokcer.root-user: off\n", "did you mean docker.root-user?"),
    ("fial_on: high\n", "did you mean fail_on?"),
    ("rules:\n  quality.file-too-long:\n    max_line: 3\n", "did you mean max_lines?"),
])
def test_config_suggests_the_nearest_name(text: str, suggestion: str) -> None:
    with pytest.raises(ConfigError) as exc:
        load_text(text)
    assert suggestion in str(exc.value)


def test_rules_explain_suggests_the_nearest_id() -> None:
    proc = cli("rules", "dokcer.root-user")
    assert proc.returncode == 2 and "did you mean docker.root-user?" in proc.stderr


def test_never_is_listed_wherever_fail_on_values_are() -> None:
    with pytest.raises(ConfigError) as exc:
        load_text("fail_on: sometimes\n")
    assert "never" in str(exc.value)
    assert "never" in cli("scan", ".", "--fail-on", "sometimes").stderr
    root = Path(__file__).resolve().parents[2]
    import yaml

    action = yaml.safe_load((root / "action.yml").read_text())
    assert "never" in action["inputs"]["fail-on"]["description"]
    fail_on_row = next(line for line in (root / "docs" / "action.md").read_text().splitlines()
                       if line.startswith("| `fail-on`"))
    assert "`never`" in fail_on_row
