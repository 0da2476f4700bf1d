"""GitHub misbehaving: 502s, secondary rate limits, expired tokens, slow answers. The review still lands."""
from __future__ import annotations

import pytest

from tests.github.helpers import REPO, ROOT_DOCKERFILE, pr_payload

pytestmark = pytest.mark.slow  # real servers on loopback


async def _open(fake, service):
    pr = fake.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    assert (await service.send("pull_request", pr_payload("opened", pr))).status == 202
    await service.idle()
    return pr


def _landed(fake, pr) -> None:
    runs = fake.checks(pr.head_sha)
    assert runs and runs[-1]["status"] == "completed" and runs[-1]["conclusion"] == "failure"
    assert len(fake.summaries(pr.number)) == 1
    assert len(fake.reviews) == 1


async def test_502_bad_gateway_is_retried(fake_github, service):
    fake_github.inject(502, times=2, match="/pulls/2/files", body={"message": "Server Error"})
    fake_github.inject(502, times=1, match="POST /graphql")
    pr = await _open(fake_github, service)
    _landed(fake_github, pr)
    assert fake_github.count("GET", "/pulls/2/files") == 3


async def test_secondary_rate_limit_403_with_retry_after_is_honoured(fake_github, service):
    fake_github.inject(403, match="POST /repos", headers={"Retry-After": "7"},
                       body={"message": "You have exceeded a secondary rate limit."})
    pr = await _open(fake_github, service)
    _landed(fake_github, pr)
    assert 7.0 in service.sleeps  # waited what GitHub asked, not a generic backoff


async def test_primary_rate_limit_waits_for_the_reset(fake_github, service):
    import time

    reset = int(time.time()) + 30
    fake_github.inject(403, match="/pulls/2", headers={"X-RateLimit-Remaining": "0",
                                                        "X-RateLimit-Reset": str(reset)},
                       body={"message": "API rate limit exceeded"})
    pr = await _open(fake_github, service)
    _landed(fake_github, pr)
    assert any(20 <= s <= 32 for s in service.sleeps)


async def test_expired_installation_token_is_refreshed_once(fake_github, service):
    first = await _open(fake_github, service)
    exchanges = service.runtime.github.auth.exchanges
    fake_github.expire_tokens()  # GitHub now answers 401 Bad credentials to the cached token
    fake_github.push(REPO, 2, {"Dockerfile": ROOT_DOCKERFILE, "x/Dockerfile": ROOT_DOCKERFILE})
    await service.send("pull_request", pr_payload("synchronize", first))
    await service.idle()
    assert service.runtime.github.auth.exchanges == exchanges + 1
    runs = fake_github.checks(first.head_sha)
    assert runs[-1]["status"] == "completed"
    assert len(fake_github.reviews) == 2


async def test_a_task_failing_everywhere_is_retried_then_dead_lettered(fake_github, service):
    fake_github.inject(500, times=10_000, match="/pulls/2/files")
    pr = fake_github.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    await service.send("pull_request", pr_payload("opened", pr))
    await service.idle()
    counts = await service.runtime.queue.counts()
    assert counts.get("dead") == 1
    runs = fake_github.checks(pr.head_sha)
    assert runs and all(r["status"] == "completed" for r in runs)
    assert runs[-1]["conclusion"] == "failure" and runs[-1]["output"]["title"] == "Review failed"
    assert len(runs) == 1 and runs[0]["patches"] == 1  # closed once: dead-lettering did not post again


async def test_a_request_timing_out_is_retried(fake_github, service):
    from bot.forges.github.http import HttpPolicy

    http = service.runtime.github.http
    http.policy = HttpPolicy(timeout=0.2, backoff=0.001, sleep=http.policy.sleep)
    fake_github.inject(None, match="/pulls/2/files", delay=1.0)  # longer than the per-request timeout
    pr = await _open(fake_github, service)
    _landed(fake_github, pr)
    assert fake_github.count("GET", "/pulls/2/files") == 2
