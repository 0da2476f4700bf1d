"""The Redis (arq) queue keeps the SQLite queue's promises: dedupe, supersede, one task per PR, dead letters."""
from __future__ import annotations

import asyncio
import signal

import pytest

from bot.job import Job
from bot.service.arq_worker import make_worker
from bot.service.queue import Task
from bot.service.redis_queue import RedisQueue
from tests.github.redis_server import redis_url  # noqa: F401  (fixture)

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def _job(sha: str, delivery: str, number: int = 1) -> Job:
    return Job(forge="github", repo="o/r", number=number, head_sha=sha, base_ref="main",
               installation_id=1, delivery_id=delivery)


class Recorder:
    """A runner that records what ran, how often, and whether two tasks of one PR overlapped."""

    def __init__(self, *, fail: bool = False, hold: float = 0.0):
        self.ran: list[tuple[Task, int, bool]] = []
        self.fail, self.hold = fail, hold
        self.running: dict[str, int] = {}
        self.overlap = False
        self.started = asyncio.Event()

    async def __call__(self, task: Task, attempts: int, final: bool, memo=None) -> str:
        key = task.job.key
        self.running[key] = self.running.get(key, 0) + 1
        self.overlap |= self.running[key] > 1
        self.ran.append((task, attempts, final))
        self.started.set()
        try:
            await asyncio.sleep(self.hold)
            if self.fail:
                raise RuntimeError("boom")
            return "passed"
        finally:
            self.running[key] -= 1


async def _drain(queue: RedisQueue, runner, **kw) -> None:
    worker = make_worker(queue, runner, handle_signals=False, burst=True, poll_interval=0.02, **kw)
    try:
        await asyncio.wait_for(worker.async_run(), 30)
    finally:
        await worker.close()


@pytest.fixture
async def queue(redis_url):  # noqa: F811
    q = RedisQueue(redis_url, lease_seconds=2.0, max_attempts=3, retry_base=0.0)
    yield q
    await q.close()


async def test_duplicate_delivery_ids_are_ignored(queue):
    assert await queue.enqueue(_job("a", "d1"))
    assert not await queue.enqueue(_job("a", "d1"))
    assert await queue.pending() == 1
    runner = Recorder()
    await _drain(queue, runner)
    assert not await queue.enqueue(_job("a", "d1"))  # still a redelivery after it ran
    assert len(runner.ran) == 1


async def test_a_newer_head_supersedes_queued_older_ones(queue):
    await queue.enqueue(_job("a", "d1"))
    await queue.enqueue(_job("b", "d2"))
    await queue.enqueue(Task(_job("", "d3"), kind="help"))  # commands are never superseded
    runner = Recorder()
    await _drain(queue, runner)
    assert sorted((t.kind, t.job.head_sha) for t, _, _ in runner.ran) == [("help", ""), ("review", "b")]
    assert (await queue.counts()) == {"superseded": 1, "done": 2}


async def test_one_task_per_pull_request_at_a_time(queue):
    for i in range(4):
        await queue.enqueue(Task(_job("", f"h{i}"), kind="help"))
    await queue.enqueue(_job("x", "other", number=2))
    runner = Recorder(hold=0.05)
    await _drain(queue, runner, max_jobs=5)
    assert len(runner.ran) == 5 and not runner.overlap


async def test_failures_are_retried_then_dead_lettered(queue):
    await queue.enqueue(_job("a", "d1"))
    runner = Recorder(fail=True)
    await _drain(queue, runner)
    assert [(attempt, final) for _, attempt, final in runner.ran] == [(1, False), (2, False), (3, True)]
    assert (await queue.counts()) == {"dead": 1}
    (dead,) = await queue.dead_letters()
    assert dead["key"] == "github:o/r#1" and "boom" in dead["error"] and dead["delivery_id"] == "d1"


async def test_shutdown_waits_for_running_tasks_within_the_grace_period(queue):
    await queue.enqueue(_job("a", "d1"))
    runner = Recorder(hold=0.3)
    worker = make_worker(queue, runner, handle_signals=False, poll_interval=0.02, shutdown_grace=10)
    run = asyncio.create_task(worker.async_run())
    await asyncio.wait_for(runner.started.wait(), 10)
    worker.handle_sig_wait_for_completion(signal.SIGTERM)  # what SIGTERM does in a worker process
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(run, 10)
    await worker.close()
    assert (await queue.counts()) == {"done": 1}


async def test_shutdown_gives_back_unfinished_leases_without_counting_an_attempt(queue):
    await queue.enqueue(_job("a", "d1"))
    slow = Recorder(hold=30)
    worker = make_worker(queue, slow, handle_signals=False, poll_interval=0.02, shutdown_grace=0.1)
    run = asyncio.create_task(worker.async_run())
    await asyncio.wait_for(slow.started.wait(), 10)
    worker.handle_sig_wait_for_completion(signal.SIGTERM)
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(run, 10)
    await worker.close()
    assert await queue.pending() == 1
    runner = Recorder()
    await _drain(queue, runner)  # runs at once: the lease was returned, not left to expire
    assert [attempt for _, attempt, _ in runner.ran] == [1]
