"""POST /webhooks/gitlab: token, malformed bodies, size limit, redeliveries, which actions queue a review."""
from __future__ import annotations

from tests.gitlab.helpers import ROOT_DOCKERFILE, encode, mr_payload

HOOK = "Merge Request Hook"


async def _pending(service) -> int:
    return await service.runtime.queue.pending()


async def test_bad_or_missing_token_is_401_and_queues_nothing(fake_gitlab, service):
    mr = fake_gitlab.add_mr(42, 7, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    assert (await service.send(HOOK, mr_payload("open", mr), token="wrong")).status == 401
    assert (await service.send(HOOK, mr_payload("open", mr), token=None)).status == 401
    assert (await service.send(HOOK, mr_payload("open", mr), token="")).status == 401
    await service.idle()
    assert fake_gitlab.requests == []


async def test_malformed_deliveries_are_400_not_500(fake_gitlab, service):
    assert (await service.send(HOOK, b"{not json")).status == 400
    assert (await service.send(HOOK, b"[1, 2]")).status == 400
    assert (await service.send("", encode({"object_kind": "merge_request"}))).status == 400
    broken = {"object_kind": "merge_request", "object_attributes": {"action": "open", "state": "opened"}}
    assert (await service.send(HOOK, broken)).status == 400  # no project, no iid
    assert (await service.send("Note Hook", {"object_attributes": None})).status == 400


async def test_body_over_the_limit_is_413(fake_gitlab, service):
    limit = service.runtime.settings.max_body
    resp = await service.client.post("/webhooks/gitlab", data=b"x" * (limit + 10),
                                     headers={"X-Gitlab-Event": HOOK, "X-Gitlab-Token": "gl-webhook-secret"})
    assert resp.status == 413


async def test_redelivered_event_uuid_is_queued_once(fake_gitlab, service):
    mr = fake_gitlab.add_mr(42, 7, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    first = await service.send(HOOK, mr_payload("open", mr), event_uuid="6b1bd0b1-0000-4000-8000-000000000001")
    again = await service.send(HOOK, mr_payload("open", mr), event_uuid="6b1bd0b1-0000-4000-8000-000000000001")
    assert (first.status, again.status) == (202, 200)
    await service.idle()
    assert len(fake_gitlab.statuses) == 1


async def test_actions_that_queue_a_review_and_those_that_do_not(fake_gitlab, service):
    mr = fake_gitlab.add_mr(42, 7, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    assert (await service.send(HOOK, mr_payload("update", mr))).status == 204  # edit, no new commits
    assert (await service.send(HOOK, mr_payload("update", mr, oldrev="1" * 40))).status == 202
    closed = mr_payload("open", mr)
    closed["object_attributes"]["action"] = "close"
    assert (await service.send(HOOK, closed)).status == 204
    assert (await service.send("Push Hook", {"object_kind": "push"})).status == 204
    await service.idle()
    assert len(fake_gitlab.statuses) == 1


async def test_drafts_are_skipped_until_marked_ready(fake_gitlab, service):
    mr = fake_gitlab.add_mr(42, 7, base={}, head={"Dockerfile": ROOT_DOCKERFILE}, draft=True)
    assert (await service.send(HOOK, mr_payload("open", mr))).status == 202
    await service.idle()
    assert fake_gitlab.statuses == [] and mr.notes == []
    mr.draft = False
    ready = mr_payload("ready", mr)  # the real delivery: changes.title loses its "Draft: " prefix
    assert ready["changes"]["title"]["previous"].startswith("Draft:")
    assert (await service.send(HOOK, ready)).status == 202
    await service.idle()
    assert fake_gitlab.status(mr.head_sha)["status"] == "failed"


async def test_drafts_are_reviewed_when_the_target_branch_config_says_so(fake_gitlab, service):
    opt_in = "review_drafts: true\n"
    mr = fake_gitlab.add_mr(42, 7, base={".readiness.yml": opt_in},
                            head={".readiness.yml": opt_in, "Dockerfile": ROOT_DOCKERFILE}, draft=True)
    await service.send(HOOK, mr_payload("open", mr))
    await service.idle()
    assert fake_gitlab.status(mr.head_sha)["status"] == "failed"


async def test_broken_target_config_fails_the_status_quoting_the_line(fake_gitlab, service):
    mr = fake_gitlab.add_mr(42, 7, base={".readiness.yml": "fail_on: high\nscope: everywhere\n"},
                            head={"Dockerfile": ROOT_DOCKERFILE})
    await service.send(HOOK, mr_payload("open", mr))
    await service.idle()
    status = fake_gitlab.status(mr.head_sha)
    assert status["status"] == "failed" and "Configuration error" in status["description"]
    (summary,) = fake_gitlab.summaries(mr)
    assert "scope: everywhere" in summary["body"]
    assert mr.discussions == []


async def test_github_route_is_untouched(fake_gitlab, service):
    resp = await service.client.post("/webhooks/github", data=b"{}", headers={"X-GitHub-Event": "ping"})
    assert resp.status == 401  # unsigned: the GitHub side still refuses it
