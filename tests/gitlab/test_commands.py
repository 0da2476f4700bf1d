"""`/readiness recheck` and `/readiness help` notes: Developer members and the author may recheck."""
from __future__ import annotations

import pytest

from tests.gitlab.helpers import ROOT_DOCKERFILE, mr_payload, note_payload

DEVELOPER, GUEST, MAINTAINER, REPORTER = 30, 10, 40, 20


async def _reviewed_mr(fake, service, **kw):
    mr = fake.add_mr(42, 7, base={}, head={"Dockerfile": ROOT_DOCKERFILE}, **kw)
    await service.send("Merge Request Hook", mr_payload("open", mr))
    await service.idle()
    return mr


def _refusals(mr) -> list[dict]:
    return [n for n in mr.notes if "can run `/readiness recheck`" in n["body"]]


@pytest.mark.parametrize("level", [DEVELOPER, MAINTAINER])
async def test_recheck_by_a_developer_reviews_again_and_awards_eyes(fake_gitlab, service, level):
    mr = await _reviewed_mr(fake_gitlab, service)
    fake_gitlab.members[(42, "dev")] = level
    fake_gitlab.members[(42, "developer-two")] = GUEST  # a near-match the exact username check must skip
    resp = await service.send("Note Hook", note_payload("/readiness recheck", mr, username="dev", user_id=501,
                                                        note_id=77))
    assert resp.status == 202
    await service.idle()
    assert [(a["note_id"], a["name"]) for a in fake_gitlab.awards] == [(77, "eyes")]
    assert len([s for s in fake_gitlab.statuses if s["sha"] == mr.head_sha]) == 2  # a fresh status
    assert len(fake_gitlab.summaries(mr)) == 1 and fake_gitlab.summaries(mr)[0]["edits"] == 1
    assert _refusals(mr) == []


@pytest.mark.parametrize("level", [None, GUEST, REPORTER])
async def test_recheck_by_a_guest_gets_a_short_note(fake_gitlab, service, level):
    mr = await _reviewed_mr(fake_gitlab, service)
    if level:
        fake_gitlab.members[(42, "guest")] = level
    await service.send("Note Hook", note_payload("/readiness recheck", mr, username="guest", user_id=502))
    await service.idle()
    assert fake_gitlab.awards == []
    assert len(fake_gitlab.statuses) == 1
    (refusal,) = _refusals(mr)
    assert refusal["body"].startswith("@guest") and "Developer role" in refusal["body"]


async def test_recheck_by_the_author_needs_no_member_lookup(fake_gitlab, service):
    mr = await _reviewed_mr(fake_gitlab, service, author="alice")
    await service.send("Note Hook", note_payload("/readiness recheck", mr, username="alice",
                                                 user_id=mr.author["id"], note_id=78))
    await service.idle()
    assert fake_gitlab.count("GET", "/members") == 0
    assert [a["name"] for a in fake_gitlab.awards] == ["eyes"]
    assert len(fake_gitlab.statuses) == 2


async def test_help_answers_with_the_commands(fake_gitlab, service):
    mr = await _reviewed_mr(fake_gitlab, service)
    resp = await service.send("Note Hook", note_payload("/readiness help", mr, username="anyone", user_id=503))
    assert resp.status == 202
    await service.idle()
    assert any("readiness commands" in n["body"] and "merge request" in n["body"] for n in mr.notes)


async def test_chatter_and_closed_merge_requests_are_ignored(fake_gitlab, service):
    mr = await _reviewed_mr(fake_gitlab, service)
    before = list(fake_gitlab.requests)
    assert (await service.send("Note Hook", note_payload("LGTM", mr, username="x", user_id=5))).status == 204
    mr.state = "closed"
    closed = note_payload("/readiness recheck", mr, username="x", user_id=5)
    assert (await service.send("Note Hook", closed)).status == 204
    await service.idle()
    assert fake_gitlab.requests == before


async def test_recheck_after_a_push_reviews_the_current_head(fake_gitlab, service):
    mr = await _reviewed_mr(fake_gitlab, service, author="alice")
    new = fake_gitlab.push(mr, {"Dockerfile": ROOT_DOCKERFILE, "x/Dockerfile": ROOT_DOCKERFILE})
    await service.send("Note Hook", note_payload("/readiness recheck", mr, username="alice",
                                                 user_id=mr.author["id"]))
    await service.idle()
    assert fake_gitlab.status(new)["status"] == "failed"
