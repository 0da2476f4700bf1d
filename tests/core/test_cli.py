"""The `readiness` command line, run as users run it: flags, formats, exit codes, errors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.gitrepo import GitRepo

ROOT_DOCKERFILE = "FROM python:3.12-slim\nCOPY . /app\nCMD [\"python\", \"/app/main.py\"]\n"
SAFE_DOCKERFILE = "FROM python:3.12-slim\nRUN useradd -u 10001 app\nUSER app\nCMD [\"python\"]\n"


def cli(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, check=False)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "svc")
    r.commit("base", **{"Dockerfile": SAFE_DOCKERFILE, "README.md": "service\n"})
    r.branch("feature")
    return r


def test_review_json_and_exit_code_1_on_high(repo: GitRepo) -> None:
    repo.commit("root", **{"Dockerfile": ROOT_DOCKERFILE})
    proc = cli("review", "--repo", str(repo.path), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data["verdict"] == "CONDITIONAL PASS"
    rules = {f["rule"] for f in data["findings"]}
    assert "docker.root-user" in rules
    f = next(f for f in data["findings"] if f["rule"] == "docker.root-user")
    assert (f["path"], f["severity"], f["id"][0]) == ("Dockerfile", "HIGH", "H")


def test_review_exit_0_when_below_fail_on(repo: GitRepo) -> None:
    repo.commit("root", **{"Dockerfile": ROOT_DOCKERFILE})
    proc = cli("review", "--repo", str(repo.path), "--fail-on", "critical", "--format", "json")
    assert proc.returncode == 0, proc.stderr


def test_review_with_no_changes_passes(repo: GitRepo) -> None:
    proc = cli("review", "--repo", str(repo.path), "--format", "json")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["verdict"] == "PASS"


def test_review_explicit_base_and_head(repo: GitRepo) -> None:
    bad = repo.commit("root", **{"Dockerfile": ROOT_DOCKERFILE})
    repo.commit("fix", **{"Dockerfile": SAFE_DOCKERFILE})
    assert cli("review", "--repo", str(repo.path), "--base", "main", "--head", bad).returncode == 1
    assert cli("review", "--repo", str(repo.path), "--base", "main").returncode == 0


def test_review_diff_from_stdin(repo: GitRepo) -> None:
    (repo.path / "Dockerfile").write_text(ROOT_DOCKERFILE)
    diff = repo.git("diff")
    proc = cli("review", "--repo", str(repo.path), "--diff", "-", "--format", "json", stdin=diff)
    assert proc.returncode == 1, proc.stderr
    assert any(f["rule"] == "docker.root-user" for f in json.loads(proc.stdout)["findings"])


def test_review_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    proc = cli("review", "--repo", str(tmp_path))
    assert proc.returncode == 2
    assert "readiness: error:" in proc.stderr


def test_bad_config_exits_2_naming_file_and_line(repo: GitRepo) -> None:
    repo.commit("cfg", **{".readiness.yml": "fail_on: high\nrules:\n  no.such-rule: off\n"})
    proc = cli("review", "--repo", str(repo.path))
    assert proc.returncode == 2
    assert ".readiness.yml:3: unknown rule id 'no.such-rule'" in proc.stderr
    assert "no.such-rule: off" in proc.stderr  # the broken line is quoted


def test_config_ref_base_ignores_a_change_to_the_config(repo: GitRepo) -> None:
    repo.commit("root + disable", **{"Dockerfile": ROOT_DOCKERFILE,
                                     ".readiness.yml": "rules:\n  docker.root-user: off\n"})
    assert cli("review", "--repo", str(repo.path)).returncode == 0
    assert cli("review", "--repo", str(repo.path), "--config-ref", "base").returncode == 1


def test_unknown_format_and_severity_are_usage_errors(repo: GitRepo) -> None:
    assert cli("review", "--repo", str(repo.path), "--format", "xml").returncode == 2
    assert cli("scan", str(repo.path), "--fail-on", "severe").returncode == 2


def test_scan_respects_gitignore_and_paths_exclude(repo: GitRepo) -> None:
    repo.write("build/Dockerfile", ROOT_DOCKERFILE)
    repo.write("vendored/Dockerfile", ROOT_DOCKERFILE)
    repo.write("app/Dockerfile", ROOT_DOCKERFILE)
    repo.write(".gitignore", "build/\n")
    repo.write(".readiness.yml", "paths:\n  exclude: [vendored/]\n")
    proc = cli("scan", str(repo.path), "--format", "json")
    paths = {f["path"] for f in json.loads(proc.stdout)["findings"]}
    assert "app/Dockerfile" in paths
    assert not {p for p in paths if p.startswith(("build/", "vendored/"))}


def test_scan_plain_directory_and_single_file(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(ROOT_DOCKERFILE)
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "Dockerfile").write_text(ROOT_DOCKERFILE)
    data = json.loads(cli("scan", str(tmp_path), "--format", "json").stdout)
    assert {f["path"] for f in data["findings"] if f["rule"] == "docker.root-user"} == {"Dockerfile"}
    single = json.loads(cli("scan", str(tmp_path / "Dockerfile"), "--format", "json").stdout)
    assert {f["path"] for f in single["findings"]} == {"Dockerfile"}


def test_scan_reports_unparseable_files_as_skipped(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def f(:\n")
    (tmp_path / "ok.py").write_text("x = 1\n")
    proc = cli("scan", str(tmp_path), "--format", "json")
    assert proc.returncode == 0
    skipped = json.loads(proc.stdout)["skipped"]
    assert [s["path"] for s in skipped] == ["broken.py"]


def test_scan_missing_path(tmp_path: Path) -> None:
    proc = cli("scan", str(tmp_path / "nope"))
    assert proc.returncode == 2 and "no such file" in proc.stderr


def test_sarif_output_to_file(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("root", **{"Dockerfile": ROOT_DOCKERFILE})
    out = tmp_path / "r.sarif"
    assert main(["review", "--repo", str(repo.path), "--format", "sarif", "-o", str(out)]) == 1
    doc = json.loads(out.read_text())
    assert doc["version"] == "2.1.0" and doc["runs"][0]["results"]


def test_rules_list_json_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(set(r) == {"id", "severity", "area", "title"} for r in data)
    assert "docker.root-user" in {r["id"] for r in data}
    assert main(["rules", "docker.root-user"]) == 0
    text = capsys.readouterr().out
    assert "Why it matters" in text and "Fix" in text and "USER" in text
    assert main(["rules", "docker.nope"]) == 2


def test_markdown_is_the_default_format(repo: GitRepo) -> None:
    repo.commit("root", **{"Dockerfile": ROOT_DOCKERFILE})
    out = cli("review", "--repo", str(repo.path)).stdout
    assert out.startswith("## Production readiness review: ")
    assert "### Area summary" in out and "### Action items" in out


def test_fail_on_never_reports_but_exits_0(repo: GitRepo) -> None:
    repo.commit("root", **{"Dockerfile": ROOT_DOCKERFILE})
    proc = cli("review", "--repo", str(repo.path), "--fail-on", "never", "--format", "json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["counts"]["HIGH"] >= 1


def test_review_from_a_subdirectory_reports_root_relative_paths(repo: GitRepo) -> None:
    repo.commit("nested", **{"svc/api/Dockerfile": ROOT_DOCKERFILE})
    proc = cli("review", "--format", "json", cwd=repo.path / "svc")
    assert proc.returncode == 1, proc.stderr
    assert {f["path"] for f in json.loads(proc.stdout)["findings"]} >= {"svc/api/Dockerfile"}


@pytest.mark.slow
def test_scan_with_jobs_gives_the_same_report(tmp_path: Path) -> None:
    for i in range(220):  # above the pool threshold
        (tmp_path / f"svc{i}").mkdir()
        (tmp_path / f"svc{i}" / "Dockerfile").write_text(ROOT_DOCKERFILE if i % 3 else SAFE_DOCKERFILE)
    one = cli("scan", str(tmp_path), "--format", "json")
    two = cli("scan", str(tmp_path), "--format", "json", "--jobs", "2")
    assert one.returncode == two.returncode == 1
    assert json.loads(one.stdout) == json.loads(two.stdout)
