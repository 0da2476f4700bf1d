"""A job whose worker died on every attempt is dead-lettered AND its check run says so (once), both queues."""
from __future__ import annotations

import aiohttp
import pytest

from tests.github.helpers import REPO, ROOT_DOCKERFILE, pr_payload
from tests.github.procs import Proc, Serve, service_env, wait_until
from tests.github.redis_server import redis_url  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow

FILES = "/pulls/2/files"
ATTEMPTS = "2"


def _failed_once(fake, pr) -> dict:
    (run,) = fake.checks(pr.head_sha)  # the attempts shared one check run
    assert run["status"] == "completed" and run["conclusion"] == "failure", run
    assert run["output"]["title"] == "Review failed"
    assert "/readiness recheck" in run["output"]["summary"]
    assert "lease expired 2 times" in run["output"]["summary"]
    assert run["patches"] == 1  # completed once, by the dead-lettering
    assert not fake.summaries(pr.number)
    return run


async def _kill_mid_review(fake, start, n: int) -> None:
    """Start a worker process, let it reach the held files request (attempt n), SIGKILL it."""
    proc = start()
    try:
        await wait_until(lambda: fake.held() == n, 20, f"attempt {n} to reach the held request")
        assert fake.checks()[0]["status"] == "in_progress"
    finally:
        proc.stop()  # SIGKILL: the lease is never given back


async def test_embedded_queue_fails_the_check_run_of_a_job_whose_worker_always_died(fake_github, app_keys,
                                                                                   tmp_path):
    env = service_env(fake_github, app_keys[0], tmp_path, READINESS_MAX_ATTEMPTS=ATTEMPTS)
    pr = fake_github.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    fake_github.hold(FILES, times=2)
    serves: list[Serve] = []

    def start() -> Serve:
        serves.append(Serve(env, tmp_path / f"serve{len(serves) + 1}.log"))
        return serves[-1]

    try:
        first = start()
        await first.ready()
        async with aiohttp.ClientSession() as s:
            assert await first.send(s, "pull_request", pr_payload("opened", pr)) == 202
        await wait_until(lambda: fake_github.held() == 1, 20, "attempt 1 to reach the held request")
        first.stop()
        await _kill_mid_review(fake_github, start, 2)
        fake_github.release()
        last = start()
        await last.ready()
        await wait_until(lambda: fake_github.checks(pr.head_sha)[0]["status"] == "completed", 20,
                         "the dead letter's check run to be closed")
        _failed_once(fake_github, pr)
        status, text = await last.get("/metrics")
        assert 'readiness_queue_jobs{state="dead"} 1.0' in text
        assert 'readiness_dead_letters_total{kind="review"} 1.0' in text
        assert "dead-lettered" in last.output()
    finally:
        fake_github.release()
        for p in serves:
            p.stop()


@pytest.mark.redis
async def test_redis_queue_fails_the_check_run_of_a_job_whose_worker_always_died(fake_github, app_keys, tmp_path,
                                                                                 redis_url):  # noqa: F811
    env = service_env(fake_github, app_keys[0], tmp_path, READINESS_MAX_ATTEMPTS=ATTEMPTS)
    pr = fake_github.add_pr(REPO, 2, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    fake_github.hold(FILES, times=2)
    serve = Serve(env, tmp_path / "serve.log", queue=redis_url)
    workers: list[Proc] = []

    def start() -> Proc:
        workers.append(Proc(["worker", "--queue", redis_url], env, tmp_path / f"worker{len(workers) + 1}.log"))
        return workers[-1]

    try:
        await serve.ready()
        async with aiohttp.ClientSession() as s:
            assert await serve.send(s, "pull_request", pr_payload("opened", pr)) == 202
        await _kill_mid_review(fake_github, start, 1)
        await _kill_mid_review(fake_github, start, 2)
        fake_github.release()
        last = start()
        await wait_until(lambda: fake_github.checks(pr.head_sha)[0]["status"] == "completed", 30,
                         "the dead letter's check run to be closed")
        _failed_once(fake_github, pr)
        status, text = await serve.get("/metrics")
        assert 'readiness_queue_jobs{state="dead"} 1.0' in text
        assert "dead-lettered" in last.output()
    finally:
        fake_github.release()
        for p in [serve, *workers]:
            p.stop()
