"""GitLab misbehaving: 502s, 429 with Retry-After or RateLimit-Reset, slow answers. The review still lands."""
from __future__ import annotations

import time

from bot.forges.http_policy import HttpPolicy
from tests.gitlab.helpers import ROOT_DOCKERFILE, encode, mr_payload


async def _open(fake, service):
    mr = fake.add_mr(42, 7, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    assert (await service.send("Merge Request Hook", mr_payload("open", mr))).status == 202
    await service.idle()
    return mr


def _landed(fake, mr) -> None:
    assert fake.status(mr.head_sha)["status"] == "failed"
    assert len(fake.summaries(mr)) == 1 and mr.discussions


async def test_502_bad_gateway_is_retried(fake_gitlab, service):
    fake_gitlab.inject(502, times=2, match="/merge_requests/7/diffs")
    fake_gitlab.inject(502, times=1, match="POST /api/v4/projects/42/merge_requests/7/notes")
    mr = await _open(fake_gitlab, service)
    _landed(fake_gitlab, mr)
    assert fake_gitlab.count("GET", "/merge_requests/7/diffs") == 3


async def test_429_with_retry_after_is_honoured(fake_gitlab, service):
    fake_gitlab.inject(429, match="/discussions", headers={"Retry-After": "7"})
    mr = await _open(fake_gitlab, service)
    _landed(fake_gitlab, mr)
    assert 7.0 in service.sleeps  # waited what GitLab asked, not a generic backoff


async def test_429_with_only_ratelimit_reset_waits_for_the_reset(fake_gitlab, service):
    fake_gitlab.inject(429, match="/versions", headers={"RateLimit-Reset": str(int(time.time()) + 30)})
    mr = await _open(fake_gitlab, service)
    _landed(fake_gitlab, mr)
    assert any(20 <= s <= 32 for s in service.sleeps)


async def test_a_request_timing_out_is_retried(fake_gitlab, service):
    http = service.runtime.gitlab.http
    http.policy = HttpPolicy(timeout=0.2, backoff=0.001, sleep=http.policy.sleep)
    fake_gitlab.inject(None, match="/merge_requests/7/diffs", delay=1.0)
    mr = await _open(fake_gitlab, service)
    _landed(fake_gitlab, mr)
    assert fake_gitlab.count("GET", "/merge_requests/7/diffs") == 2


async def test_failing_everywhere_is_retried_then_dead_lettered_with_a_failed_status(fake_gitlab, service):
    fake_gitlab.inject(500, times=10_000, match="/merge_requests/7/diffs")
    mr = fake_gitlab.add_mr(42, 7, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    await service.send("Merge Request Hook", mr_payload("open", mr))
    await service.idle()
    assert (await service.runtime.queue.counts()).get("dead") == 1
    status = fake_gitlab.status(mr.head_sha)
    assert status["status"] == "failed" and status["description"] == "Review failed: comment /readiness recheck to retry"
    failed = [s for s in fake_gitlab.statuses if s["sha"] == mr.head_sha and s["status"] == "failed"]
    assert len(failed) == 1  # the dead-lettering did not post it a second time


async def test_gitlab_requests_rate_limit_waits_and_deliveries_are_in_the_metrics(fake_gitlab, service):
    fake_gitlab.inject(429, match="/discussions", headers={"Retry-After": "7"})
    fake_gitlab.inject(502, match="/merge_requests/7/diffs")
    mr = fake_gitlab.add_mr(42, 7, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    body = encode(mr_payload("open", mr))
    assert (await service.send("Merge Request Hook", body, event_uuid="uuid-1")).status == 202
    assert (await service.send("Merge Request Hook", body, event_uuid="uuid-1")).status == 200  # redelivery
    assert (await service.send("Merge Request Hook", b"{", event_uuid="uuid-2")).status == 400
    await service.idle()
    _landed(fake_gitlab, mr)
    text = (await (await service.client.get("/metrics")).read()).decode()
    metric = 'readiness_forge_requests_total{forge="gitlab",method="%s",status="%s"}'
    assert metric % ("GET", "429") in text and metric % ("GET", "502") in text
    assert metric % ("POST", "201") in text and metric % ("GET", "200") in text
    assert 'readiness_rate_limit_waits_total{forge="gitlab"} 1.0' in text
    assert 'readiness_rate_limit_wait_seconds_total{forge="gitlab"} 7.0' in text
    delivery = 'readiness_deliveries_total{event="Merge Request Hook",forge="gitlab",outcome="%s"} 1.0'
    assert all(delivery % outcome in text for outcome in ("queued", "duplicate", "rejected"))
