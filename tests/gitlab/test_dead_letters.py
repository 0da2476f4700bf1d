"""A GitLab job whose worker died on every attempt: dead-lettered, and its commit status fails once."""
from __future__ import annotations

import asyncio

from bot.forges.http_policy import HttpPolicy
from bot.service.app import build_runtime, create_app
from bot.service.gitlab_settings import GitLabSettings
from bot.service.settings import Settings
from tests.gitlab.fakegitlab import TOKEN
from tests.gitlab.helpers import ROOT_DOCKERFILE, SECRET, encode, headers, mr_payload


async def _until(pred, what: str, timeout: float = 30) -> None:
    async def poll() -> None:
        while not await pred():
            await asyncio.sleep(0.05)

    try:
        await asyncio.wait_for(poll(), timeout)
    except asyncio.TimeoutError:
        raise AssertionError(f"gave up waiting for {what}") from None


async def test_a_job_whose_lease_expired_every_time_fails_the_status_with_how_to_retry(
        aiohttp_client, fake_gitlab, private_key, tmp_path):
    settings = Settings(app_id=1, private_key=private_key, webhook_secret=b"github-secret",
                        api_url="http://127.0.0.1:9", data_dir=tmp_path, workers=2, lease_seconds=0.2,
                        max_attempts=2, retry_base=0.01, poll_interval=0.05, http_backoff=0.001,
                        gitlab=GitLabSettings(url=fake_gitlab.base_url, token=TOKEN, webhook_secret=SECRET.encode()))
    runtime = build_runtime(settings, policy=HttpPolicy(timeout=10, backoff=0.001))
    client = await aiohttp_client(create_app(runtime=runtime, start_workers=False))
    mr = fake_gitlab.add_mr(42, 7, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    resp = await client.post("/webhooks/gitlab", data=encode(mr_payload("open", mr)),
                             headers=headers("Merge Request Hook"))
    assert resp.status == 202
    for attempt in (1, 2):  # two workers claim the job and die holding it (the lease is never renewed)
        leases = []

        async def claimed() -> bool:
            leases.append(await runtime.queue.claim())
            return leases[-1] is not None

        await _until(claimed, f"attempt {attempt} to be claimable")
        assert leases[-1].attempts == attempt
    await runtime.pool.start()  # a live worker now finds the job out of attempts

    async def failed() -> bool:
        return (fake_gitlab.status(mr.head_sha) or {}).get("status") == "failed"

    await _until(failed, "the dead letter's status")
    await runtime.pool.idle()
    assert (await runtime.queue.counts()) == {"dead": 1}
    status = fake_gitlab.status(mr.head_sha)
    assert status["description"] == "Review failed: comment /readiness recheck to retry"
    assert [s["status"] for s in fake_gitlab.statuses if s["sha"] == mr.head_sha] == ["failed"]
    text = (await (await client.get("/metrics")).read()).decode()
    assert 'readiness_dead_letters_total{kind="review"} 1.0' in text
