"""`readiness fix` on a real git repository: scope, --dry-run, --rule, paths, dirty files, exit codes."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.gitrepo import GitRepo

OLD_CLIENT = "import requests\n\n\ndef old(url):\n    return requests.get(url)\n"
CLIENT = """import requests
import yaml


def charge(url, body):
    return requests.post(url, json=body)


def settings(text):
    return yaml.load(text)
"""
COMPOSE = 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27-alpine\n'


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    r = GitRepo(tmp_path / "repo")
    r.commit("base", **{"app/old.py": OLD_CLIENT, "README.md": "demo\n"})
    r.branch("feature")
    r.commit("feature", **{"app/client.py": CLIENT, "docker-compose.yml": COMPOSE})
    monkeypatch.chdir(r.path)
    return r


def fix(*args: str) -> int:
    return main(["fix", "--base", "main", *args])


def test_fixes_the_change_and_leaves_pre_existing_code_alone(repo: GitRepo) -> None:
    assert fix() == 1
    client = (repo.path / "app/client.py").read_text()
    assert "requests.post(url, json=body, timeout=10)" in client
    assert "yaml.safe_load(text)" in client
    assert (repo.path / "docker-compose.yml").read_text() == "services:\n  web:\n    image: nginx:1.27-alpine\n"
    assert (repo.path / "app/old.py").read_text() == OLD_CLIENT  # not part of the change
    repo.git("commit", "-qam", "fixed")
    assert fix() == 0  # nothing left


def test_dry_run_prints_a_diff_and_writes_nothing(repo: GitRepo, capsys: pytest.CaptureFixture) -> None:
    assert fix("--dry-run") == 1
    out = capsys.readouterr().out
    assert "--- a/app/client.py" in out and "+    return yaml.safe_load(text)" in out
    assert (repo.path / "app/client.py").read_text() == CLIENT


def test_rule_and_path_filters(repo: GitRepo) -> None:
    assert fix("--rule", "compose.obsolete-version") == 1
    assert (repo.path / "app/client.py").read_text() == CLIENT
    assert not (repo.path / "docker-compose.yml").read_text().startswith("version")
    repo.git("commit", "-qam", "compose")
    assert fix("app") == 1
    assert "timeout=10" in (repo.path / "app/client.py").read_text()


def test_files_with_uncommitted_changes_need_force(repo: GitRepo, capsys: pytest.CaptureFixture) -> None:
    edited = CLIENT + "\n# work in progress\n"
    repo.write("app/client.py", edited)
    assert fix("app") == 0
    assert "uncommitted changes" in capsys.readouterr().err
    assert (repo.path / "app/client.py").read_text() == edited
    assert fix("--force", "app") == 1
    assert "yaml.safe_load(text)" in (repo.path / "app/client.py").read_text()


def test_outside_a_git_repository_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["fix"]) == 2
