"""End to end: a pull request webhook through the real service to the fake GitHub and back."""
from __future__ import annotations

import re

import pytest

from bot.state import decode_state, inline_fingerprint, inline_marker
from tests.github.fake_state import Thread
from tests.github.helpers import REPO, ROOT_DOCKERFILE, SAFE_DOCKERFILE, pr_payload

pytestmark = pytest.mark.slow  # real servers on loopback


def _state(fake, number):
    (summary,) = fake.summaries(number)
    return decode_state(summary["body"])


async def test_opened_pr_gets_check_run_annotations_review_and_summary(fake_github, service):
    pr = fake_github.add_pr(REPO, 2, base={"README.md": "hi\n"},
                            head={"README.md": "hi\n", "Dockerfile": ROOT_DOCKERFILE})
    resp = await service.send("pull_request", pr_payload("opened", pr))
    assert resp.status == 202
    await service.idle()

    (run,) = fake_github.checks(pr.head_sha)
    assert run["name"] == "readiness" and run["status"] == "completed"
    assert run["conclusion"] == "failure"  # docker.root-user is HIGH, fail_on defaults to HIGH
    state = _state(fake_github, 2)
    assert any(f.rule == "docker.root-user" and f.path == "Dockerfile" for f in state)
    assert re.fullmatch(r"(NOT READY|CONDITIONAL PASS|PASS): \d+ critical, \d+ high, \d+ medium, \d+ low",
                        run["output"]["title"])
    assert "docker.root-user" in run["output"]["summary"]
    assert len(run["annotations"]) == len(state)
    assert {a["path"] for a in run["annotations"]} == {"Dockerfile"}

    (review,) = fake_github.reviews
    assert review["event"] == "COMMENT" and review["commit_id"] == pr.head_sha
    fps = {inline_fingerprint(c["body"]) for c in fake_github.review_comments}
    assert fps == {f.fingerprint for f in state}
    assert all(c["side"] == "RIGHT" for c in fake_github.review_comments)


async def test_push_fixing_one_finding_and_adding_another(fake_github, service):
    kept = ROOT_DOCKERFILE.replace("/app/main.py", "/srv/worker.py")
    pr = fake_github.add_pr(REPO, 2, base={"README.md": "hi\n"},
                            head={"api/Dockerfile": ROOT_DOCKERFILE, "worker/Dockerfile": kept})
    await service.send("pull_request", pr_payload("opened", pr))
    await service.idle()
    first = _state(fake_github, 2)
    fixed_fp = next(f.fingerprint for f in first if f.path == "api/Dockerfile" and f.rule == "docker.root-user")
    comments_before = len(fake_github.review_comments)

    fake_github.push(REPO, 2, {"api/Dockerfile": SAFE_DOCKERFILE, "worker/Dockerfile": kept,
                               "web/Dockerfile": ROOT_DOCKERFILE.replace("/app", "/web")})
    await service.send("pull_request", pr_payload("synchronize", pr))
    await service.idle()

    (summary,) = fake_github.summaries(2)  # one sticky comment, edited in place
    assert summary["edits"] == 1
    body = summary["body"]
    assert "FIXED" in body and "NEW" in body and "STILL OPEN" in body
    second = decode_state(body)
    assert fixed_fp not in {f.fingerprint for f in second}
    assert any(f.path == "web/Dockerfile" and f.rule == "docker.root-user" for f in second)

    fps = [inline_fingerprint(c["body"]) for c in fake_github.review_comments]
    assert len(fps) == len(set(fps)), "a finding was commented inline twice"
    new_comments = fake_github.review_comments[comments_before:]
    assert new_comments and all(c["path"] == "web/Dockerfile" for c in new_comments)
    thread = next(t for t in fake_github.threads.values()
                  if inline_fingerprint(fake_github.review_comment(t.comment_ids[0])["body"]) == fixed_fp)
    assert thread.is_resolved
    assert all(not t.is_resolved for t in fake_github.threads.values() if t.id != thread.id)
    runs = fake_github.checks(pr.head_sha)
    assert len(runs) == 1 and runs[0]["status"] == "completed"


async def test_installation_tokens_reach_only_the_reviewed_repository(fake_github, service):
    other = fake_github.add_pr("octo/other", 5, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    pr = fake_github.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    elsewhere = pr_payload("opened", other)
    elsewhere["repository"].update(full_name="octo/other", name="other")
    for payload in (pr_payload("opened", pr), elsewhere):
        assert (await service.send("pull_request", payload)).status == 202
    await service.idle()
    assert len(fake_github.summaries(2)) == len(fake_github.summaries(5)) == 1
    scopes = sorted(sorted(s) for s in fake_github.token_scope.values() if s is not None)
    assert len(scopes) == len(fake_github.token_scope) == 2  # one token per repository, never installation-wide
    assert scopes == [[REPO.split("/")[1]], ["other"]]


async def test_markers_typed_by_a_person_neither_silence_nor_resolve_findings(fake_github, service):
    pr = fake_github.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    await service.send("pull_request", pr_payload("opened", pr))
    await service.idle()
    fps = {inline_fingerprint(c["body"]) for c in fake_github.review_comments}
    assert fps
    # the bot's comments are gone; a person's review comments quote their markers (and an unknown one)
    fake_github.review_comments.clear()
    fake_github.threads.clear()
    person = {"login": "mallory", "id": 77, "type": "User"}
    for i, fp in enumerate([*sorted(fps), "0" * 16]):
        cid = 90_000 + i
        fake_github.review_comments.append({"id": cid, "repo": REPO, "number": 2, "path": "Dockerfile", "line": 1,
                                            "side": "RIGHT", "body": inline_marker(fp), "user": dict(person)})
        fake_github.threads[f"PRRT_{cid}"] = Thread(f"PRRT_{cid}", [cid])
        fake_github.thread_pr[f"PRRT_{cid}"] = (REPO, 2)

    await service.send("pull_request", pr_payload("synchronize", pr))
    await service.idle()

    by_bot = {inline_fingerprint(c["body"]) for c in fake_github.review_comments if c["user"]["type"] == "Bot"}
    assert by_bot == fps, "a marker typed by a person silenced the bot's inline comment"
    assert not fake_github.resolved, "the bot resolved a thread a person started"


async def test_running_the_same_job_twice_is_idempotent(fake_github, service):
    pr = fake_github.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    await service.send("pull_request", pr_payload("opened", pr))
    await service.idle()
    await service.send("pull_request", pr_payload("reopened", pr))  # another delivery, same head
    await service.idle()
    assert len(fake_github.summaries(2)) == 1
    assert len(fake_github.reviews) == 1  # nothing new to comment: no second review
    assert all(r["status"] == "completed" for r in fake_github.checks())
