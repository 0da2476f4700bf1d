"""Real processes: `serve --queue redis` + 2 workers, SIGKILL in the middle of a review, SIGTERM grace."""
from __future__ import annotations

import signal

import aiohttp
import pytest

from tests.github.helpers import REPO, ROOT_DOCKERFILE, pr_payload
from tests.github.procs import Proc, Serve, assert_published_once, landed, service_env, wait_until
from tests.github.redis_server import redis_url  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow

FILES = "/pulls/2/files"


def _pr(fake, number: int = 2):
    head = {"Dockerfile": ROOT_DOCKERFILE, "svc/Dockerfile": ROOT_DOCKERFILE.replace("/app", "/svc")}
    return fake.add_pr(REPO, number, base={}, head=head)


@pytest.mark.redis
async def test_serve_with_redis_and_two_workers_reviews_every_pull_request(fake_github, app_keys, tmp_path,
                                                                           redis_url):  # noqa: F811
    env = service_env(fake_github, app_keys[0], tmp_path)
    procs = [Serve(env, tmp_path / "serve.log", queue=redis_url)]
    procs += [Proc(["worker", "--queue", redis_url], env, tmp_path / f"worker{i}.log") for i in range(2)]
    try:
        await procs[0].ready()
        await wait_until(lambda: all("Starting worker" in p.output() for p in procs[1:]), 20, "both workers")
        prs = [_pr(fake_github, n) for n in range(2, 8)]
        async with aiohttp.ClientSession() as s:
            for pr in prs:
                assert await procs[0].send(s, "pull_request", pr_payload("opened", pr)) == 202
        await wait_until(lambda: all(landed(fake_github, pr) for pr in prs), 20, "every review")
        await wait_until_drained(procs[0])
        for pr in prs:
            assert_published_once(fake_github, pr)
        workers_used = sum("published" in p.output() for p in procs[1:])
        assert workers_used == 2  # the work was shared
        assert "published" not in procs[0].output()  # the web process only enqueues
        status, text = await procs[0].get("/metrics")
        assert status == 200
        assert 'readiness_deliveries_total{event="pull_request",forge="github",outcome="queued"} 6.0' in text
        assert 'readiness_queue_jobs{state="done"} 6.0' in text
    finally:
        for p in procs:
            p.stop()


async def wait_until_drained(serve: Serve) -> None:
    from tests.github.procs import wait_until_async

    async def empty() -> bool:
        return await serve.pending() == 0

    await wait_until_async(empty, 20, "the queue to drain")


async def test_sigkill_mid_review_with_the_embedded_queue_publishes_once(fake_github, app_keys, tmp_path):
    env = service_env(fake_github, app_keys[0], tmp_path)
    pr = _pr(fake_github)
    fake_github.hold(FILES)  # the first files request never answers: the kill lands mid-review
    first = Serve(env, tmp_path / "serve1.log")
    try:
        await first.ready()
        async with aiohttp.ClientSession() as s:
            assert await first.send(s, "pull_request", pr_payload("opened", pr)) == 202
        await wait_until(lambda: fake_github.held() == 1, 15, "the review to reach the held request")
        assert fake_github.checks(pr.head_sha)[0]["status"] == "in_progress"
    finally:
        first.stop()  # SIGKILL
    fake_github.release()
    second = Serve(env, tmp_path / "serve2.log")
    try:
        await second.ready()
        await wait_until(lambda: landed(fake_github, pr), 20, "the review after the restart")
        await wait_until_drained(second)
        assert_published_once(fake_github, pr)
    finally:
        second.stop()


@pytest.mark.redis
async def test_sigkill_of_a_redis_worker_mid_review_publishes_once(fake_github, app_keys, tmp_path,
                                                                   redis_url):  # noqa: F811
    env = service_env(fake_github, app_keys[0], tmp_path)
    pr = _pr(fake_github)
    fake_github.hold(FILES)
    serve = Serve(env, tmp_path / "serve.log", queue=redis_url)
    first = Proc(["worker", "--queue", redis_url], env, tmp_path / "worker1.log")
    second = None
    try:
        await serve.ready()
        async with aiohttp.ClientSession() as s:
            assert await serve.send(s, "pull_request", pr_payload("opened", pr)) == 202
        await wait_until(lambda: fake_github.held() == 1, 15, "the review to reach the held request")
        first.stop()  # SIGKILL
        fake_github.release()
        second = Proc(["worker", "--queue", redis_url], env, tmp_path / "worker2.log")
        await wait_until(lambda: landed(fake_github, pr), 20, "the review after the restart")
        await wait_until_drained(serve)
        assert_published_once(fake_github, pr)
    finally:
        for p in (serve, first, second):
            if p is not None:
                p.stop()


async def test_sigterm_lets_the_running_review_finish(fake_github, app_keys, tmp_path):
    env = service_env(fake_github, app_keys[0], tmp_path)
    pr = _pr(fake_github)
    fake_github.hold(FILES)
    serve = Serve(env, tmp_path / "serve.log")
    try:
        await serve.ready()
        async with aiohttp.ClientSession() as s:
            assert await serve.send(s, "pull_request", pr_payload("opened", pr)) == 202
        await wait_until(lambda: fake_github.held() == 1, 15, "the review to reach the held request")
        serve.kill(signal.SIGTERM)
        fake_github.release()  # GitHub answers while the process is shutting down
        assert await serve.wait() == 0
        assert landed(fake_github, pr)
        assert_published_once(fake_github, pr)
    finally:
        serve.stop()
