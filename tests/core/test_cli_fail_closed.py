"""The CLI fails closed: input it cannot review is exit 2 with a message that says what to do, never a PASS."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.test_cli import ROOT_DOCKERFILE, SAFE_DOCKERFILE, cli
from tests.gitrepo import GitRepo


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "svc")
    r.commit("base", **{"Dockerfile": SAFE_DOCKERFILE, "README.md": "service\n"})
    r.branch("feature")
    return r


def _fails(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout[:300], proc.stderr)
    assert proc.stdout == ""  # no report, no verdict
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in proc.stderr, proc.stderr


@pytest.mark.parametrize("diff", ["", "hello world\n", "fatal: bad revision 'origin/mian'\n"])
def test_a_diff_with_no_files_is_an_error(repo: GitRepo, diff: str) -> None:
    _fails(cli("review", "--repo", str(repo.path), "--diff", "-", stdin=diff), "no file changes in the diff")


def test_a_repo_without_the_diffs_files_says_they_are_missing(repo: GitRepo, tmp_path: Path) -> None:
    (repo.path / "Dockerfile").write_text(ROOT_DOCKERFILE)
    diff = repo.git("diff")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _fails(cli("review", "--repo", str(elsewhere), "--diff", "-", stdin=diff), "missing", "Dockerfile", "--repo")


def test_a_config_ref_that_does_not_exist_is_an_error(repo: GitRepo) -> None:
    repo.commit("root", **{"Dockerfile": ROOT_DOCKERFILE})
    _fails(cli("review", "--repo", str(repo.path), "--config-ref", "no-such-branch"),
           "--config-ref no-such-branch", "no such branch")


def test_a_base_that_does_not_exist_is_an_error(repo: GitRepo) -> None:
    _fails(cli("review", "--repo", str(repo.path), "--base", "mian"), "--base mian", "no such branch")


def test_a_shallow_clone_without_the_merge_base_shows_the_fix(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("root", **{"Dockerfile": ROOT_DOCKERFILE})
    repo.git("checkout", "-q", "main")
    repo.commit("main moves on", **{"README.md": "moved\n"})
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{repo.path}",
                    str(shallow)], check=True)
    subprocess.run(["git", "-C", str(shallow), "checkout", "-q", "feature"], check=True)
    _fails(cli("review", "--repo", str(shallow), "--base", "origin/main"),
           "shallow clone", "git fetch --unshallow", "fetch-depth: 0")


def test_outside_a_git_repository_says_so(tmp_path: Path) -> None:
    _fails(cli("review", "--repo", str(tmp_path)), "not inside a git repository", "--diff")


def test_rules_into_a_closed_pipe_exits_quietly() -> None:
    proc = subprocess.run(f"{sys.executable} -m bot rules | head -1", shell=True, capture_output=True,
                          text=True, check=False)
    assert proc.stdout.count("\n") == 1
    assert proc.stderr == ""
