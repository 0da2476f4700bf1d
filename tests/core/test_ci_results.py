"""Build & CI rows from GitHub check runs/statuses and GitLab jobs: outcomes, order, headline."""
from __future__ import annotations

from bot.ci_results import github, gitlab
from bot.render.sections import ci_section


def _run(name, status="completed", conclusion="success", app="GitHub Actions"):
    return {"id": hash(name) & 0xFFFF, "name": name, "status": status, "conclusion": conclusion,
            "html_url": f"https://github.com/o/r/runs/{name}", "app": {"name": app}}


def test_github_conclusions_statuses_and_our_own_run_left_out() -> None:
    runs = {"total_count": 6, "check_runs": [
        _run("build"), _run("test", conclusion="timed_out"), _run("e2e", status="in_progress", conclusion=None),
        _run("docs", conclusion="skipped"), _run("old", conclusion="cancelled"), _run("readiness", app="readiness")]}
    combined = {"total_count": 2, "statuses": [
        {"context": "ci/jenkins", "state": "error", "description": "Build errored", "target_url": "https://j/1"},
        {"context": "deploy/preview", "state": "pending", "description": "", "target_url": None}]}
    ci = github.results("abc123", runs, combined, exclude="readiness")
    assert [(c.name, c.outcome) for c in ci.ordered()] == [
        ("test", "FAIL"), ("ci/jenkins", "FAIL"), ("old", "CANCELLED"), ("e2e", "RUNNING"),
        ("deploy/preview", "PENDING"), ("build", "PASS"), ("docs", "SKIPPED")]
    assert ci.headline() == "CI: 2 of 7 checks failing, 2 running"
    assert not ci.truncated and not ci.done
    assert github.own_run(runs, "readiness") == runs["check_runs"][-1]["id"]


def test_github_more_checks_than_one_page_is_said() -> None:
    ci = github.results("abc", {"total_count": 140, "check_runs": [_run("a")]}, {}, exclude="readiness")
    assert ci.truncated and ci.done and ci.headline() == "CI: 1 check, none failing"
    assert "_More checks exist" in "\n".join(ci_section(ci))


def test_gitlab_jobs_allowed_failures_and_a_pipeline_of_another_commit() -> None:
    jobs = [{"name": "unit", "stage": "test", "status": "failed", "web_url": "u"},
            {"name": "lint", "stage": "test", "status": "failed", "allow_failure": True},
            {"name": "deploy", "stage": "deploy", "status": "manual"},
            {"name": "readiness", "stage": "test", "status": "running"}]
    ci = gitlab.results("new", {"id": 9, "sha": "old0000000000000"}, jobs, exclude="readiness")
    assert ci.headline() == "CI: 1 of 3 checks failing"
    assert "not the reviewed head" in ci.source
    table = "\n".join(ci_section(ci))
    assert table.index("test / unit") < table.index("test / lint") < table.index("deploy / deploy")
    assert "⚠️ FAIL (allowed to fail)" in table


def test_no_checks_yet() -> None:
    ci = github.results("abc", {"total_count": 0, "check_runs": []}, {"statuses": []}, exclude="readiness")
    assert ci.headline() == "CI: no checks reported yet"
