"""A flaky GitHub: a share of all requests answered 502, timing out, or secondary-rate-limited. Reviews land."""
from __future__ import annotations

import pytest

from bot.forges.github.http import HttpPolicy
from bot.service.app import build_runtime, create_app
from tests.github.conftest import Service, make_settings
from tests.github.helpers import REPO, ROOT_DOCKERFILE, pr_payload
from tests.github.procs import assert_published_once
from tests.service_harness import recorder

pytestmark = pytest.mark.slow  # real servers on loopback


@pytest.fixture
async def flaky_service(aiohttp_client, fake_github, app_keys, tmp_path):
    sleeps: list[float] = []
    settings = make_settings(tmp_path, fake_github, app_keys[0], workers=4, max_attempts=4)
    policy = HttpPolicy(timeout=0.3, retries=5, backoff=0.001, sleep=recorder(sleeps))
    runtime = build_runtime(settings, policy=policy)
    client = await aiohttp_client(create_app(runtime=runtime))
    return Service(client, runtime, sleeps)


async def test_every_review_lands_when_a_fifth_of_github_answers_fail(fake_github, flaky_service):
    fake_github.chaos(0.2, ("502", "timeout", "rate_limit"), seed=7, timeout=0.6, retry_after="3")
    prs = [fake_github.add_pr(REPO, n, base={}, head={"Dockerfile": ROOT_DOCKERFILE}) for n in range(2, 10)]
    for pr in prs:
        assert (await flaky_service.send("pull_request", pr_payload("opened", pr))).status == 202
    await flaky_service.runtime.pool.idle(timeout=60)

    assert set(fake_github.chaos_count) == {"502", "timeout", "rate_limit"}
    for pr in prs:
        assert_published_once(fake_github, pr)
        assert fake_github.checks(pr.head_sha)[0]["conclusion"] == "failure"  # the real verdict, not an error
    assert (await flaky_service.runtime.queue.counts()).get("dead", 0) == 0
    assert 3.0 in flaky_service.sleeps  # Retry-After honoured
    metrics = flaky_service.runtime.metrics.render().decode()
    assert 'readiness_forge_requests_total{forge="github",method="GET",status="502"}' in metrics
    assert 'readiness_rate_limit_waits_total{forge="github"}' in metrics
