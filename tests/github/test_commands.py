"""`/readiness recheck` and `help` comments, the check's Re-run button, drafts and ignored events."""
from __future__ import annotations

import pytest

from bot.state import decode_state
from tests.github.conftest import APP_ID
from tests.github.helpers import (REPO, ROOT_DOCKERFILE, SAFE_DOCKERFILE, comment_payload, pr_payload, rerun_payload,
                                  suite_rerequested_payload)

pytestmark = pytest.mark.slow  # real servers on loopback


async def _reviewed_pr(fake, service, **kw):
    pr = fake.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE}, **kw)
    await service.send("pull_request", pr_payload("opened", pr))
    await service.idle()
    return pr


@pytest.mark.parametrize("user, level", [("writer", "write"), ("keeper", "maintain"), ("boss", "admin")])
async def test_recheck_by_a_user_with_write_access(fake_github, service, user, level):
    pr = await _reviewed_pr(fake_github, service)
    fake_github.permissions[(REPO, user)] = level
    resp = await service.send("issue_comment", comment_payload("/readiness recheck", user, pr, comment_id=77))
    assert resp.status == 202
    await service.idle()
    assert fake_github.reactions == [{"comment_id": 77, "content": "eyes", "repo": REPO}]
    assert len(fake_github.checks(pr.head_sha)) == 2  # a fresh check run for the recheck
    assert all(r["status"] == "completed" for r in fake_github.checks())
    assert len(fake_github.summaries(2)) == 1
    assert not [c for c in fake_github.issue_comments if "only the pull request author" in c["body"]]


async def test_recheck_by_the_author_needs_no_permission_lookup(fake_github, service):
    pr = await _reviewed_pr(fake_github, service, author="octo-author")
    await service.send("issue_comment", comment_payload("/readiness recheck", "octo-author", pr, comment_id=78))
    await service.idle()
    assert fake_github.count("GET", "/permission") == 0
    assert [r["content"] for r in fake_github.reactions] == ["eyes"]
    assert len(fake_github.checks(pr.head_sha)) == 2


@pytest.mark.parametrize("level", [None, "read", "triage"])
async def test_recheck_by_a_stranger_is_refused_with_a_comment(fake_github, service, level):
    pr = await _reviewed_pr(fake_github, service)
    if level:
        fake_github.permissions[(REPO, "stranger")] = level
    await service.send("issue_comment", comment_payload("/readiness recheck", "stranger", pr))
    await service.idle()
    assert fake_github.reactions == []
    assert len(fake_github.checks(pr.head_sha)) == 1
    (refusal,) = [c for c in fake_github.issue_comments if "only the pull request author" in c["body"]]
    assert refusal["body"].startswith("@stranger")


async def test_help_command_answers_with_the_commands(fake_github, service):
    pr = await _reviewed_pr(fake_github, service)
    await service.send("issue_comment", comment_payload("/readiness help", "anyone", pr))
    await service.idle()
    assert any("/readiness recheck" in c["body"] and "readiness commands" in c["body"]
               for c in fake_github.issue_comments)


async def test_bot_comments_plain_issues_and_chatter_are_ignored(fake_github, service):
    pr = await _reviewed_pr(fake_github, service)
    before = list(fake_github.requests)
    assert (await service.send("issue_comment", comment_payload("/readiness recheck", "x", pr, bot=True))).status == 204
    on_issue = comment_payload("/readiness recheck", "x", pr)
    on_issue["issue"].pop("pull_request")
    assert (await service.send("issue_comment", on_issue)).status == 204
    assert (await service.send("issue_comment", comment_payload("LGTM", "x", pr))).status == 204
    await service.idle()
    assert fake_github.requests == before


async def test_rerun_button_rechecks_the_current_head(fake_github, service):
    pr = await _reviewed_pr(fake_github, service)
    resp = await service.send("check_run", rerun_payload(pr))
    assert resp.status == 202
    await service.idle()
    runs = fake_github.checks(pr.head_sha)
    assert len(runs) == 2 and all(r["status"] == "completed" for r in runs)
    other = await service.send("check_run", rerun_payload(pr, name="randscape"))
    assert other.status == 204  # someone else's check


async def test_check_suite_rerequested_lands_a_fresh_review_of_the_current_head(fake_github, service):
    pr = await _reviewed_pr(fake_github, service)
    (first,) = fake_github.checks(pr.head_sha)
    assert first["conclusion"] == "failure"
    old_head = pr.head_sha
    fixed = fake_github.push(REPO, 2, {"Dockerfile": SAFE_DOCKERFILE})  # pushed; its webhook never arrived
    payload = suite_rerequested_payload(pr)
    payload["check_suite"]["head_sha"] = old_head  # the suite the user re-ran is the old one
    files_before = fake_github.count("GET", "/pulls/2/files")
    resp = await service.send("check_suite", payload)
    assert resp.status == 202
    await service.idle()
    (fresh,) = fake_github.checks(fixed)
    assert fresh["status"] == "completed" and fresh["conclusion"] == "success"
    assert fake_github.count("GET", "/pulls/2/files") == files_before + 1  # reviewed anew, not replayed
    (summary,) = fake_github.summaries(2)  # the sticky summary was edited in place
    assert decode_state(summary["body"]) == []
    assert len(fake_github.checks(old_head)) == 1
    suite = payload["check_suite"]
    own = {**payload, "action": "completed", "check_suite": {**suite, "app": {**suite["app"], "id": APP_ID}}}
    assert (await service.send("check_suite", own)).status == 204  # our own suite: nothing to refresh


async def test_draft_is_skipped_unless_the_base_config_opts_in(fake_github, service):
    pr = fake_github.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE}, draft=True)
    assert (await service.send("pull_request", pr_payload("opened", pr))).status == 202
    await service.idle()
    assert fake_github.checks() == [] and fake_github.reviews == []

    opted = fake_github.add_pr(REPO, 3, base={".readiness.yml": "review_drafts: true\n"},
                               head={".readiness.yml": "review_drafts: true\n", "Dockerfile": ROOT_DOCKERFILE},
                               draft=True)
    await service.send("pull_request", pr_payload("opened", opted))
    await service.idle()
    (run,) = fake_github.checks(opted.head_sha)
    assert run["conclusion"] == "failure"


async def test_config_is_read_from_the_base_branch_not_the_head(fake_github, service):
    # the head tries to switch the rule off; the base config wins
    off = "rules:\n  docker.root-user: off\n"
    pr = fake_github.add_pr(REPO, 2, base={}, head={".readiness.yml": off, "Dockerfile": ROOT_DOCKERFILE})
    await service.send("pull_request", pr_payload("opened", pr))
    await service.idle()
    assert any(f.rule == "docker.root-user" for f in decode_state(fake_github.summaries(2)[0]["body"]))


async def test_broken_base_config_fails_the_check_quoting_the_line(fake_github, service):
    pr = fake_github.add_pr(REPO, 2, base={".readiness.yml": "fail_on: high\nscope: everywhere\n"},
                            head={"Dockerfile": ROOT_DOCKERFILE})
    await service.send("pull_request", pr_payload("opened", pr))
    await service.idle()
    (run,) = fake_github.checks(pr.head_sha)
    assert run["conclusion"] == "failure"
    assert "scope: everywhere" in run["output"]["summary"]


async def test_closed_pull_requests_and_other_actions_are_skipped(fake_github, service):
    pr = fake_github.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    assert (await service.send("pull_request", pr_payload("converted_to_draft", pr))).status == 204
    pr.state = "closed"
    assert (await service.send("pull_request", pr_payload("synchronize", pr))).status == 204
    await service.idle()
    assert fake_github.requests == []
