"""The Redis queue (arq): delivery dedupe, newest head per pull request, per-PR leases, dead letters."""
from __future__ import annotations

import asyncio
import json
import secrets
import time
from urllib.parse import urlsplit

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.constants import in_progress_key_prefix

from bot.job import Job
from bot.service.queue import Task, as_task

QUEUE_NAME = "readiness:queue"
FUNCTION = "readiness_task"
JOB_PREFIX = "readiness:"  # arq job id = prefix + delivery id: arq refuses a second job with the same id
KEEP_SECONDS = 3 * 24 * 3600  # results (and so delivery dedupe) kept as long as GitHub offers redelivery
DEAD_KEPT = 1000
_HEADS, _SEQ, _COUNTS, _ATTEMPTS, _DEAD = (f"readiness:{k}" for k in ("heads", "seq", "counts", "attempts", "dead"))
_UNLOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
_RENEW = ("if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]); "
          "redis.call('pexpire', KEYS[2], ARGV[2]); return 1 else return 0 end")
_NEWER_HEAD = ("local cur = redis.call('hget', KEYS[1], ARGV[1]); "
               "if (not cur) or tonumber(string.match(cur, '^(%d+):')) < tonumber(ARGV[2]) then "
               "redis.call('hset', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3]) end return 1")


def is_redis_url(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme in ("redis", "rediss", "unix")


def redis_settings(url: str) -> RedisSettings:
    return RedisSettings.from_dsn(url)


class RedisQueue:
    """What web replicas and arq workers share. Stateless here: everything lives in Redis."""

    def __init__(self, url: str, *, lease_seconds: float = 300.0, max_attempts: int = 5, retry_base: float = 5.0,
                 retry_max: float = 600.0):
        if not is_redis_url(url):
            raise ValueError(f"not a Redis URL: {url!r} (expected redis://HOST:PORT/DB)")
        self.url = url
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts
        self.retry_base = retry_base
        self.retry_max = retry_max
        self._pool: ArqRedis | None = None
        self._pool_lock = asyncio.Lock()  # concurrent first calls must not each open (and leak) a pool

    async def pool(self) -> ArqRedis:
        if self._pool is None:
            async with self._pool_lock:
                if self._pool is None:
                    self._pool = await create_pool(redis_settings(self.url), default_queue_name=QUEUE_NAME)
        return self._pool

    # --- the web side ------------------------------------------------------------------------------
    async def enqueue(self, item: Job | Task) -> bool:
        """Store the task as an arq job; False when this delivery id was seen before (a redelivery)."""
        task = as_task(item)
        job = task.job
        delivery = job.delivery_id or f"local-{secrets.token_hex(8)}"
        pool = await self.pool()
        seq = await pool.incr(_SEQ)  # arrival order: the newest head of a pull request wins
        queued = await pool.enqueue_job(FUNCTION, task.to_json(), seq, _job_id=JOB_PREFIX + delivery,
                                        _queue_name=QUEUE_NAME)
        if queued is None:
            return False
        if task.kind == "review" and job.head_sha:
            await pool.eval(_NEWER_HEAD, 1, _HEADS, job.key, seq, job.head_sha)
        return True

    async def pending(self) -> int:
        """Queued plus running tasks (arq keeps a job in its queue until it finishes)."""
        return int(await (await self.pool()).zcard(QUEUE_NAME))

    async def counts(self) -> dict[str, int]:
        pool = await self.pool()
        total = int(await pool.zcard(QUEUE_NAME))
        leased = 0
        async for _key in pool.scan_iter(match=f"{in_progress_key_prefix}{JOB_PREFIX}*", count=500):
            leased += 1
        out = {k.decode(): int(v) for k, v in (await pool.hgetall(_COUNTS)).items()}
        out.update(queued=max(0, total - leased), leased=leased)
        return {k: v for k, v in out.items() if v}

    async def dead_letters(self, limit: int = 100) -> list[dict]:
        return [json.loads(raw) for raw in await (await self.pool()).lrange(_DEAD, 0, limit - 1)]

    async def ping(self) -> bool:
        return bool(await (await self.pool()).ping())

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None

    # --- the worker side ---------------------------------------------------------------------------
    async def superseded(self, task: Task, seq: int) -> bool:
        """A review whose head sha is no longer the newest queued for its pull request."""
        if task.kind != "review" or not task.job.head_sha:
            return False
        current = await (await self.pool()).hget(_HEADS, task.job.key)
        if not current:
            return False
        newest_seq, _, sha = current.decode().partition(":")
        return int(newest_seq) > seq and sha != task.job.head_sha

    async def lock(self, key: str, job_id: str) -> bool:
        """The pull request's lease: one running task per pull request across every worker."""
        ms = int(self.lease_seconds * 1000)
        return bool(await (await self.pool()).set(f"readiness:lock:{key}", job_id, nx=True, px=ms))

    async def renew(self, key: str, job_id: str) -> bool:
        """Extend the pull request's lease and arq's in-progress mark together; False when lost."""
        ms = int(self.lease_seconds * 1000)
        return bool(await (await self.pool()).eval(_RENEW, 2, f"readiness:lock:{key}",
                                                   in_progress_key_prefix + job_id, job_id, ms))

    async def unlock(self, key: str, job_id: str) -> None:
        await (await self.pool()).eval(_UNLOCK, 1, f"readiness:lock:{key}", job_id)

    async def attempt(self, job_id: str, delta: int = 1) -> int:
        """Count (or, with -1, give back) one attempt of a job; our count, not arq's lock-wait retries."""
        pool = await self.pool()
        n = int(await pool.hincrby(_ATTEMPTS, job_id, delta))
        return n

    async def finished(self, job_id: str, state: str, task: Task | None = None, error: str = "") -> None:
        """Book a finished job: done | superseded | dead (dead ones are kept in a capped list)."""
        pool = await self.pool()
        async with pool.pipeline(transaction=True) as tr:
            tr.hdel(_ATTEMPTS, job_id)
            tr.hincrby(_COUNTS, state, 1)
            if state == "dead" and task is not None:
                entry = {"job_id": job_id, "key": task.job.key, "kind": task.kind, "head_sha": task.job.head_sha,
                         "delivery_id": task.job.delivery_id, "error": error[:2000], "at": time.time()}
                tr.lpush(_DEAD, json.dumps(entry))
                tr.ltrim(_DEAD, 0, DEAD_KEPT - 1)
            await tr.execute()

    async def recall(self, delivery_id: str) -> dict | None:
        """The memo an earlier attempt of this delivery left (e.g. its check run id), or None."""
        raw = await (await self.pool()).get(f"readiness:memo:{delivery_id}")
        return json.loads(raw) if raw else None

    async def remember(self, delivery_id: str, data: dict) -> None:
        await (await self.pool()).set(f"readiness:memo:{delivery_id}", json.dumps(data), ex=KEEP_SECONDS)

    def backoff(self, attempts: int) -> float:
        import random

        return min(self.retry_max, self.retry_base * 2 ** (attempts - 1)) * random.uniform(0.75, 1.25)
