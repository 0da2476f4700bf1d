"""The GitHub Action entry (`readiness review --publish github`) end to end against the fake GitHub.

The CLI runs in a thread with its own event loop, exactly as in a workflow, and talks to the fake
over loopback with a plain token (the workflow's GITHUB_TOKEN): no App, no installation tokens.
"""
from __future__ import annotations

import asyncio
import json

import pytest

from bot.cli import main
from bot.state import decode_state
from tests.github.helpers import REPO, ROOT_DOCKERFILE, SAFE_DOCKERFILE, pr_payload

pytestmark = pytest.mark.slow  # real servers on loopback
TOKEN = "workflow-token-for-tests"


@pytest.fixture
def workflow(fake_github, tmp_path, monkeypatch):
    """A GitHub Actions environment for one pull request of the fake; returns a runner of the CLI."""
    fake_github.tokens[TOKEN] = 0  # the fake accepts it like a workflow token
    summary = tmp_path / "step-summary.md"
    summary.write_text("")

    def environment(pr, *, event: str = "pull_request", action: str = "opened") -> None:
        event_file = tmp_path / "event.json"
        event_file.write_text(json.dumps(pr_payload(action, pr)))
        for key, value in {"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": REPO, "GITHUB_EVENT_NAME": event,
                           "GITHUB_EVENT_PATH": str(event_file), "GITHUB_API_URL": fake_github.base_url,
                           "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_RUN_ID": "77"}.items():
            monkeypatch.setenv(key, value)

    async def run(pr, *args: str, **kw) -> int:
        environment(pr, **kw)
        return await asyncio.to_thread(main, ["review", "--publish", "github", *args])

    run.summary = summary
    return run


async def test_publishes_check_run_annotations_review_and_sticky_summary(fake_github, workflow, tmp_path, capsys):
    pr = fake_github.add_pr(REPO, 7, base={"README.md": "hi\n"},
                            head={"README.md": "hi\n", "Dockerfile": ROOT_DOCKERFILE})
    sarif = tmp_path / "readiness.sarif"
    code = await workflow(pr, "--format", "sarif", "-o", str(sarif))

    assert code == 1  # docker.root-user is HIGH; fail_on defaults to HIGH
    (run,) = fake_github.checks(pr.head_sha)
    assert run["name"] == "readiness" and run["status"] == "completed" and run["conclusion"] == "failure"
    assert {a["path"] for a in run["annotations"]} == {"Dockerfile"}
    (summary,) = fake_github.summaries(7)
    state = decode_state(summary["body"])
    assert any(f.rule == "docker.root-user" for f in state)
    assert len(run["annotations"]) == len(state)
    assert fake_github.reviews and fake_github.reviews[0]["commit_id"] == pr.head_sha

    report = json.loads(sarif.read_text())
    assert report["version"] == "2.1.0"
    assert any(r["ruleId"] == "docker.root-user" for r in report["runs"][0]["results"])
    out = capsys.readouterr().out
    assert "published to the pull request" in out and "::error" not in out
    assert "docker.root-user" in workflow.summary.read_text()


async def test_second_push_edits_the_same_summary(fake_github, workflow):
    pr = fake_github.add_pr(REPO, 8, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    assert await workflow(pr) == 1
    fake_github.push(REPO, 8, {"Dockerfile": SAFE_DOCKERFILE})
    assert await workflow(pr, action="synchronize") == 0
    (summary,) = fake_github.summaries(8)
    assert summary["edits"] == 1 and "FIXED" in summary["body"]
    assert [c["conclusion"] for c in fake_github.checks()] == ["failure", "success"]


async def test_fork_pull_request_degrades_to_workflow_annotations(fake_github, workflow, capsys):
    pr = fake_github.add_pr(REPO, 9, base={"README.md": "hi\n"}, head={"Dockerfile": ROOT_DOCKERFILE})
    fake_github.inject(403, match=f"POST /repos/{REPO}/check-runs",
                       body={"message": "Resource not accessible by integration"})
    code = await workflow(pr)

    assert code == 1  # the fail_on result, not a crash
    assert fake_github.checks() == [] and fake_github.summaries(9) == [] and fake_github.reviews == []
    out = capsys.readouterr().out
    errors = [line for line in out.splitlines() if line.startswith("::error ")]
    assert errors and all("file=Dockerfile,line=" in line for line in errors)
    assert any("docker.root-user" in line for line in errors)
    assert "not published" in out
    step = workflow.summary.read_text()
    assert "could not publish" in step and "docker.root-user" in step


async def test_refused_review_post_still_completes_the_check(fake_github, workflow, capsys):
    """A workflow token with `checks: write` but no `pull-requests: write`."""
    pr = fake_github.add_pr(REPO, 10, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    fake_github.inject(403, match=f"POST /repos/{REPO}/pulls/10/reviews",
                       body={"message": "Resource not accessible by integration"})
    assert await workflow(pr) == 1
    (run,) = fake_github.checks()
    assert run["status"] == "completed" and run["conclusion"] == "failure"
    assert "::error file=Dockerfile" in capsys.readouterr().out


async def test_fail_on_is_honoured(fake_github, workflow):
    pr = fake_github.add_pr(REPO, 11, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    assert await workflow(pr, "--fail-on", "critical") == 0
    (run,) = fake_github.checks()
    assert run["conclusion"] == "success"


async def test_broken_config_on_the_base_branch_fails_the_check(fake_github, workflow, capsys):
    pr = fake_github.add_pr(REPO, 12, base={".readiness.yml": "fail_on: sometimes\n"},
                            head={".readiness.yml": "fail_on: sometimes\n", "Dockerfile": SAFE_DOCKERFILE})
    assert await workflow(pr) == 2
    (run,) = fake_github.checks()
    assert run["conclusion"] == "failure" and "Configuration error" in run["output"]["title"]
    assert ".readiness.yml:1" in capsys.readouterr().err


async def test_not_a_pull_request_event_is_a_usage_error(fake_github, workflow, capsys):
    pr = fake_github.add_pr(REPO, 13, base={}, head={"Dockerfile": SAFE_DOCKERFILE})
    assert await workflow(pr, event="push") == 2
    assert "on: pull_request" in capsys.readouterr().err
    assert fake_github.requests == []


async def test_coverage_files_fill_the_sticky_summary_and_annotate_uncovered_lines(fake_github, workflow):
    from tests.coverage.test_review_coverage import FIXTURES, SOURCES

    source = (SOURCES / "python" / "src" / "shop" / "pricing.py").read_text()
    base = "".join(source.splitlines(keepends=True)[:6])
    pr = fake_github.add_pr(REPO, 14, base={"src/shop/pricing.py": base}, head={"src/shop/pricing.py": source})
    code = await workflow(pr, "--coverage", str(FIXTURES / "python-cobertura.xml"))

    assert code == 0  # tests.patch-coverage is MEDIUM; fail_on defaults to HIGH
    (summary,) = fake_github.summaries(14)
    assert "### Test Coverage" in summary["body"] and "**Patch coverage: 40.0%**" in summary["body"]
    assert any(f.rule == "tests.patch-coverage" for f in decode_state(summary["body"]))
    (run,) = fake_github.checks(pr.head_sha)
    notices = [(a["start_line"], a["end_line"]) for a in run["annotations"] if a["annotation_level"] == "notice"]
    assert notices == [(11, 13), (17, 19)]
    assert "### Test Coverage" in workflow.summary.read_text()  # the job's step summary too
