"""Build & CI in the summary: other apps' check runs and statuses, refreshed when a check suite completes."""
from __future__ import annotations

import pytest

from tests.github import contract
from tests.github.conftest import APP_ID
from tests.github.helpers import INSTALLATION, REPO, SAFE_DOCKERFILE, pr_payload

pytestmark = pytest.mark.slow  # real servers on loopback


def suite_completed(pr, app_id: int = 15368) -> dict:
    """The published `check_suite.completed` example, moved to the fake's pull request and head."""
    payload = contract.webhook("check_suite.completed")
    payload["repository"] = contract.webhook("pull_request.opened")["repository"]
    suite = payload["check_suite"]
    suite["head_sha"] = pr.head_sha
    suite["app"]["id"] = app_id
    ref = suite["pull_requests"][0]
    ref["number"] = pr.number
    ref["head"]["sha"] = pr.head_sha
    ref["base"].update(sha=pr.base_sha, ref=pr.base_ref)
    payload["installation"] = {"id": INSTALLATION}
    return payload


def _summary(fake, number: int) -> str:
    (comment,) = fake.summaries(number)
    return comment["body"]


async def test_summary_shows_other_checks_failures_first_without_changing_the_verdict(fake_github, service):
    pr = fake_github.add_pr(REPO, 2, base={"README.md": "hi\n"},
                            head={"README.md": "hi\n", "Dockerfile": SAFE_DOCKERFILE})
    fake_github.add_ci_run(REPO, pr.head_sha, "build", conclusion="success")
    fake_github.add_ci_run(REPO, pr.head_sha, "test (3.12)", conclusion="failure")
    fake_github.add_ci_run(REPO, pr.head_sha, "lint", status="in_progress")
    fake_github.add_status(REPO, pr.head_sha, "ci/jenkins", "error", "Build errored")
    await service.send("pull_request", pr_payload("opened", pr))
    await service.idle()

    body = _summary(fake_github, 2)
    assert "## Production readiness review: PASS · CI: 2 of 4 checks failing, 1 running" in body
    section = body[body.index("### Build & CI"):body.index("### Area summary")]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "Check" not in line]
    assert [r.split(" | ")[0] for r in rows[:2]] == ["| GitHub Actions / test (3.12)", "| status / ci/jenkins"]
    assert "❌ FAIL" in rows[0] and "(https://github.com/" in rows[0]
    assert len(rows) == 4 and not [r for r in rows if "readiness" in r]  # our own check run is not listed
    (run,) = fake_github.checks(pr.head_sha)
    assert run["conclusion"] == "success"  # failing CI is shown, not re-judged
    assert fake_github.count("GET", f"/commits/{pr.head_sha}/check-runs") == 1
    assert fake_github.count("GET", f"/commits/{pr.head_sha}/status") == 1


async def test_another_apps_suite_completing_refreshes_the_summary_in_place(fake_github, service):
    pr = fake_github.add_pr(REPO, 3, base={"README.md": "hi\n"},
                            head={"README.md": "hi\n", "Dockerfile": SAFE_DOCKERFILE})
    run = fake_github.add_ci_run(REPO, pr.head_sha, "test", status="in_progress")
    await service.send("pull_request", pr_payload("opened", pr))
    await service.idle()
    assert "CI: 1 check, none failing, 1 running" in _summary(fake_github, 3)

    run.update(status="completed", conclusion="failure")
    resp = await service.send("check_suite", suite_completed(pr))
    assert resp.status == 202
    await service.idle()
    assert "CI: 1 of 1 checks failing" in _summary(fake_github, 3)
    (ours,) = fake_github.checks(pr.head_sha)  # the same check run, updated, not a second one
    assert ours["status"] == "completed" and len(fake_github.reviews) == 0  # nothing new to comment on


async def test_our_own_suite_completing_and_fork_suites_are_ignored(fake_github, service):
    pr = fake_github.add_pr(REPO, 4, base={"README.md": "hi\n"}, head={"README.md": "hello\n"})
    resp = await service.send("check_suite", suite_completed(pr, app_id=APP_ID))
    assert resp.status == 204
    fork = suite_completed(pr)
    fork["check_suite"]["pull_requests"] = []
    assert (await service.send("check_suite", fork)).status == 204
    status = contract.webhook("status")
    status["installation"] = {"id": INSTALLATION}
    assert (await service.send("status", status)).status == 204


async def test_a_suite_for_an_older_head_does_not_review_again(fake_github, service):
    pr = fake_github.add_pr(REPO, 5, base={"README.md": "hi\n"}, head={"README.md": "hello\n"})
    old = suite_completed(pr)
    fake_github.push(REPO, 5, {"README.md": "hello again\n"})
    assert (await service.send("check_suite", old)).status == 202
    await service.idle()
    assert fake_github.summaries(5) == [] and fake_github.checks() == []
