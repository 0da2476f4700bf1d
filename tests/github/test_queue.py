"""The durable SQLite queue: delivery ids, supersede, one task per pull request, leases, dead letters."""
from __future__ import annotations

import asyncio

from bot.job import Job
from bot.service.queue import Task
from bot.service.sqlite_queue import SQLiteQueue


def _job(sha: str, delivery: str, number: int = 1) -> Job:
    return Job(forge="github", repo="o/r", number=number, head_sha=sha, base_ref="main",
               installation_id=1, delivery_id=delivery)


async def test_duplicate_delivery_ids_are_ignored(tmp_path):
    q = SQLiteQueue(tmp_path / "q.db")
    assert await q.enqueue(_job("a", "d1"))
    assert not await q.enqueue(_job("a", "d1"))
    assert await q.pending() == 1


async def test_a_newer_head_supersedes_queued_older_ones(tmp_path):
    q = SQLiteQueue(tmp_path / "q.db")
    await q.enqueue(_job("a", "d1"))
    await q.enqueue(_job("b", "d2"))
    await q.enqueue(Task(_job("", "d3"), kind="help"))  # commands are never superseded
    lease = await q.claim()
    assert lease.task.job.head_sha == "b"
    await q.complete(lease)
    assert (await q.claim()).task.kind == "help"
    assert (await q.counts())["superseded"] == 1


async def test_one_task_per_pull_request_at_a_time(tmp_path):
    q = SQLiteQueue(tmp_path / "q.db")
    await q.enqueue(Task(_job("", "d1"), kind="help"))
    await q.enqueue(Task(_job("", "d2"), kind="help"))
    await q.enqueue(_job("x", "d3", number=2))
    first = await q.claim()
    second = await q.claim()
    assert first.task.job.number == 1 and second.task.job.number == 2
    assert await q.claim() is None
    await q.complete(first)
    assert (await q.claim()).task.job.delivery_id == "d2"


async def test_a_crashed_worker_lease_is_retried_after_restart(tmp_path):
    q = SQLiteQueue(tmp_path / "q.db", lease_seconds=0.05)
    await q.enqueue(_job("a", "d1"))
    lease = await q.claim()
    await q.close()  # the process dies holding the lease
    q2 = SQLiteQueue(tmp_path / "q.db", lease_seconds=0.05)
    assert await q2.claim() is None  # still leased
    await asyncio.sleep(0.1)
    again = await q2.claim()
    assert again.task == lease.task and again.attempts == 2
    assert not await q2.renew(lease)  # the old lease is no longer valid
    await q2.complete(again)
    assert await q2.pending() == 0


async def test_failures_back_off_then_go_to_dead_letters(tmp_path):
    q = SQLiteQueue(tmp_path / "q.db", max_attempts=2, retry_base=0.0)
    await q.enqueue(_job("a", "d1"))
    assert not await q.fail(await q.claim(), "boom")
    assert await q.fail(await q.claim(), "boom again")
    assert await q.claim() is None
    assert (await q.counts()) == {"dead": 1}


async def test_release_gives_the_task_back_without_counting_an_attempt(tmp_path):
    q = SQLiteQueue(tmp_path / "q.db")
    await q.enqueue(_job("a", "d1"))
    await q.release(await q.claim())
    assert (await q.claim()).attempts == 1


async def test_task_json_round_trip():
    task = Task(_job("a", "d"), kind="recheck", comment_id=5, author="me")
    assert Task.from_json(task.to_json()) == task
