"""`readiness review --coverage`: patch coverage on real git repositories, in every output format."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo

FIXTURES = Path(__file__).parent.parent / "fixtures" / "coverage"
SOURCES = FIXTURES / "sources"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, check=False)


def change(tmp_path: Path, source: str, repo_path: str, keep_lines: int, extra: dict[str, str] | None = None
           ) -> GitRepo:
    """A repository whose main branch has the first `keep_lines` lines of a fixture source file and
    whose feature branch adds the rest (the lines the coverage fixture measured)."""
    text = (SOURCES / source).read_text()
    repo = GitRepo(tmp_path / "repo")
    head_lines = text.splitlines(keepends=True)
    repo.commit("base", **{repo_path: "".join(head_lines[:keep_lines])}, **(extra or {}))
    repo.branch("feature")
    repo.commit("add code", **{repo_path: text})
    return repo


def review_json(repo: GitRepo, *args: str) -> tuple[int, dict]:
    proc = cli("review", "--repo", str(repo.path), "--base", "main", "--format", "json", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_python_patch_coverage_lists_uncovered_added_lines_and_fires_below_target(tmp_path: Path) -> None:
    repo = change(tmp_path, "python/src/shop/pricing.py", "src/shop/pricing.py", 6)
    _, data = review_json(repo, "--coverage", str(FIXTURES / "python-cobertura.xml"))
    patch = data["coverage"]["patch"]
    # added executable lines 8-13 and 16-19; the tests ran 8-10 and 16
    assert (patch["covered"], patch["total"], patch["status"]) == (4, 10, "FAIL")
    assert patch["uncovered"] == [{"path": "src/shop/pricing.py", "lines": [11, 12, 13, 17, 18, 19]}]
    [finding] = [f for f in data["findings"] if f["rule"] == "tests.patch-coverage"]
    assert (finding["severity"], finding["area"], finding["path"], finding["line"]) == (
        "MEDIUM", "tests", "src/shop/pricing.py", 11)
    assert "40.0% (4 of 10" in finding["message"] and "11-13, 17-19" in finding["message"]
    [pkg] = data["coverage"]["packages"]
    assert (pkg["package"], pkg["covered"], pkg["total"], pkg["changed"]) == ("src/shop", 6, 12, True)


@pytest.mark.parametrize("report", ["python-coverage.json", "python.lcov"])
def test_other_coverage_py_formats_give_the_same_patch_coverage(tmp_path: Path, report: str) -> None:
    repo = change(tmp_path, "python/src/shop/pricing.py", "src/shop/pricing.py", 6)
    _, data = review_json(repo, "--coverage", str(FIXTURES / report))
    assert (data["coverage"]["patch"]["covered"], data["coverage"]["patch"]["total"]) == (4, 10)


def test_go_module_paths_and_config_targets(tmp_path: Path) -> None:
    go_mod = (SOURCES / "go" / "go.mod").read_text()
    repo = change(tmp_path, "go/internal/pricing/pricing.go", "internal/pricing/pricing.go", 13,
                  {"go.mod": go_mod, ".readiness.yml": "coverage:\n  patch: 25\n  package: never\n"})
    _, data = review_json(repo, "--coverage", str(FIXTURES / "go-coverprofile.out"))
    patch = data["coverage"]["patch"]
    # added: Discount (16-24, 26) and Tax (30-34); the HALF branch ran (16-19): 4 of 15, 26.7%
    assert patch["uncovered"][0]["path"] == "internal/pricing/pricing.go"
    assert (patch["covered"], patch["total"], patch["target"], patch["status"]) == (4, 15, 25, "PASS")
    assert data["coverage"]["packages"][0]["status"] == "INFO"
    assert not [f for f in data["findings"] if f["rule"] == "tests.patch-coverage"]


def test_monorepo_lcov_from_a_package_directory_via_config_globs(tmp_path: Path) -> None:
    repo = change(tmp_path, "js/packages/web/src/pricing.js", "packages/web/src/pricing.js", 6,
                  {".readiness.yml": "coverage:\n  reports: ['**/lcov.info']\n"})
    (repo.path / "packages" / "web" / "lcov.info").write_text((FIXTURES / "node-lcov.info").read_text())
    _, data = review_json(repo)
    assert data["coverage"]["reports"] == [{"path": "packages/web/lcov.info", "format": "lcov", "files": 1}]
    assert data["coverage"]["unmapped"] == ["test/pricing.test.js"]  # the test file is not in this repo
    assert data["coverage"]["patch"]["uncovered"] == [{"path": "packages/web/src/pricing.js",
                                                      "lines": [11, 12, 13, 14]}]


def test_never_reports_only_and_the_rule_can_be_turned_off_or_raised(tmp_path: Path) -> None:
    repo = change(tmp_path, "python/src/shop/pricing.py", "src/shop/pricing.py", 6,
                  {".readiness.yml": "coverage:\n  patch: never\n"})
    _, data = review_json(repo, "--coverage", str(FIXTURES / "python-cobertura.xml"))
    assert data["coverage"]["patch"]["status"] == "INFO" and data["coverage"]["patch"]["target"] is None
    assert not [f for f in data["findings"] if f["rule"] == "tests.patch-coverage"]

    repo.commit("raise it", **{".readiness.yml": "rules:\n  tests.patch-coverage: {severity: high}\n"})
    code, data = review_json(repo, "--coverage", str(FIXTURES / "python-cobertura.xml"))
    [finding] = [f for f in data["findings"] if f["rule"] == "tests.patch-coverage"]
    assert finding["severity"] == "HIGH" and code == 1  # fail_on high: the finding moves the exit code
    assert data["verdict"] == "CONDITIONAL PASS"


def test_markdown_and_sarif_carry_the_section(tmp_path: Path) -> None:
    repo = change(tmp_path, "python/src/shop/pricing.py", "src/shop/pricing.py", 6)
    report = str(FIXTURES / "python-cobertura.xml")
    md = cli("review", "--repo", str(repo.path), "--base", "main", "--coverage", report).stdout
    assert "### Test Coverage" in md and "**Patch coverage: 40.0%**" in md
    assert "- `src/shop/pricing.py`: 11-13, 17-19" in md
    assert "| `src/shop` (changed) | 50.0% | 6/12 | 60% | ❌ FAIL |" in md
    assert "| tests |" in md  # the area table has the new area
    sarif = json.loads(cli("review", "--repo", str(repo.path), "--base", "main", "--coverage", report,
                           "--format", "sarif").stdout)
    run = sarif["runs"][0]
    assert run["properties"]["coverage"]["patch"]["total"] == 10
    assert [r["ruleId"] for r in run["results"]] == ["tests.patch-coverage"]


def test_a_missing_or_unreadable_report_is_a_usage_error(tmp_path: Path) -> None:
    repo = change(tmp_path, "python/src/shop/pricing.py", "src/shop/pricing.py", 6)
    proc = cli("review", "--repo", str(repo.path), "--base", "main", "--coverage", str(tmp_path / "nope.xml"))
    assert proc.returncode == 2 and "nope.xml: no such coverage report" in proc.stderr
    bad = tmp_path / "bad.xml"
    bad.write_text("<html/>")
    proc = cli("review", "--repo", str(repo.path), "--base", "main", "--coverage", str(bad))
    assert proc.returncode == 2 and "not a coverage report" in proc.stderr


def test_jacoco_report_maps_into_the_maven_layout(tmp_path: Path) -> None:
    repo = change(tmp_path, "java/src/main/java/com/example/shop/Pricing.java",
                  "src/main/java/com/example/shop/Pricing.java", 14)
    _, data = review_json(repo, "--coverage", str(FIXTURES / "jacoco.xml"))
    patch = data["coverage"]["patch"]
    assert (patch["covered"], patch["total"]) == (2, 5)  # lines 16-17 ran; 19, 20, 22 did not


def test_config_globs_stay_inside_the_repository(tmp_path: Path) -> None:
    from bot.config import load_text
    from bot.coverage.attach import report_files

    root = tmp_path / "repo"
    (root / "web").mkdir(parents=True)
    (root / "web" / "lcov.info").write_text("SF:a.js\nDA:1,1\nend_of_record\n")
    (tmp_path / "outside.xml").write_text("<coverage/>")
    config = load_text("coverage:\n  reports: ['**/lcov.info', '../outside.xml', '" + str(tmp_path) + "/*.xml']\n")
    assert report_files([], config, root) == [(root / "web" / "lcov.info").resolve()]
