"""The worker: claims queued tasks and runs them (commands, then the review pipeline) with leases."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time

from bot import cache_metrics
from bot.forges.github.app import GitHubApp
from bot.pipeline import run_job
from bot.render.comments import HELP_TEXT, failure_summary
from bot.service.logs import log_context
from bot.service.memo import JobMemo, attach, record_closed
from bot.service.metrics import Metrics
from bot.service.queue import LEASE_EXPIRED, JobQueue, Lease, Task

log = logging.getLogger(__name__)


def refusal(user: str) -> str:
    return (f"@{user} only the pull request author and users with write, maintain or admin permission "
            f"can run `/readiness recheck`.")


async def run_task(github: GitHubApp, task: Task, *, cache=None, final: bool = True, gitlab=None,
                   memo: JobMemo | None = None) -> str:
    """Run one task to the end; returns its outcome. Exceptions close the check run, then propagate.
    With a `memo`, a retried task reuses the check run its earlier attempt opened (kept in progress)."""
    job = task.job
    if job.forge == "gitlab" and gitlab is None:
        raise RuntimeError("a GitLab task but GitLab is not configured (READINESS_GITLAB_*)")
    forge = (gitlab if job.forge == "gitlab" else github).forge(job)
    resumable = await attach(forge, memo)
    try:
        if task.kind == "help":
            await forge.comment(getattr(forge, "help_text", HELP_TEXT))
            return "help"
        if task.kind == "recheck":
            if not await forge.may_recheck(job.requested_by, task.author):
                await forge.comment(getattr(forge, "refusal", refusal)(job.requested_by))
                return "refused"
            if task.comment_id:
                await forge.react(task.comment_id, "eyes")
        if task.kind in ("recheck", "rerun", "refresh"):
            job = await forge.current_job()
            if job is None:
                return "closed"
            if task.kind == "refresh" and job.head_sha != task.job.head_sha:
                return "stale"  # CI of an older head: the newer head has its own review
        result = await run_job(forge, job, cache=cache)
        if result is None:
            await forge.abandon("Superseded by a newer push",
                                f"The pull request moved on from `{job.head_sha[:12]}`; the newest head is "
                                f"reviewed instead.")
            return "dropped"
        return "failed" if result.failed else "passed"
    except Exception as exc:
        with contextlib.suppress(Exception):
            if final:
                await forge.abandon("Review failed", failure_summary(str(exc) or type(exc).__name__),
                                    conclusion="failure")
            elif not resumable:  # with a memo the next attempt picks the in-progress check run up again
                await forge.abandon("Review interrupted, retrying", failure_summary(str(exc)), "neutral")
        raise
    finally:
        with contextlib.suppress(Exception):
            await record_closed(forge, memo)


async def bury(github: GitHubApp, task: Task, reason: str, *, gitlab=None,
               memo: JobMemo | None = None) -> bool:
    """Close out a dead-lettered task whose last attempt could not (its worker died): the check run
    (GitHub) / commit status (GitLab) fails with how to retry. A no-op when an attempt already closed it
    (the memo says so), for help tasks, and without a head to report on. True when it posted."""
    if task.kind == "help" or (task.job.forge == "gitlab" and gitlab is None):
        return False
    data = await memo.get() if memo is not None else {}
    if data.get("closed"):
        return False
    forge = (gitlab if task.job.forge == "gitlab" else github).forge(task.job)
    posted = await forge.close_dead(data.get("check"), "Review failed", failure_summary(reason))
    if posted and memo is not None:
        await memo.update(closed=True)
    return posted


class WorkerPool:
    def __init__(self, queue: JobQueue, github: GitHubApp, *, size: int = 4, poll_interval: float = 1.0,
                 lease_seconds: float = 300.0, max_attempts: int = 5, metrics: Metrics | None = None,
                 gitlab=None):
        self.queue = queue
        self.github = github
        self.gitlab = gitlab  # GitLabInstance for jobs with forge == "gitlab"
        self.size = size
        self.poll_interval = poll_interval
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts
        self.metrics = metrics or Metrics()
        self.cache = cache_metrics.findings_cache()  # per-file findings by (blob sha, rules hash)
        self._tasks: list[asyncio.Task] = []
        self._busy = 0
        self._stopping = False

    @property
    def running(self) -> int:
        """Worker loops started and not finished."""
        return sum(1 for t in self._tasks if not t.done())

    async def start(self) -> None:
        self._stopping = False
        self._tasks = [asyncio.create_task(self._loop(i), name=f"readiness-worker-{i}") for i in range(self.size)]

    async def stop(self, grace: float = 0.0) -> None:
        """Stop claiming; running tasks get `grace` seconds to finish, then are cancelled (leases given back)."""
        self._stopping = True
        wakeup = getattr(self.queue, "wakeup", None)
        if wakeup is not None:
            wakeup.set()
        if grace > 0 and self._tasks:
            await asyncio.wait(self._tasks, timeout=grace)
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def idle(self, timeout: float = 60.0) -> None:
        """Wait until nothing is queued or running (tests and the benchmark)."""
        deadline = time.monotonic() + timeout
        while self._busy or await self.queue.pending():
            if time.monotonic() > deadline:
                raise TimeoutError("the queue did not drain")
            await asyncio.sleep(0.01)

    async def _loop(self, index: int) -> None:
        wakeup = getattr(self.queue, "wakeup", None)
        while not self._stopping:
            if wakeup is not None:
                wakeup.clear()  # before claiming: a task queued from here on wakes this loop up
            try:
                lease = await self.queue.claim()
            except Exception:
                log.exception("worker %d: claim failed", index)
                lease = None
            await self._bury_expired()
            if lease is None:
                if wakeup is not None:
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(wakeup.wait(), self.poll_interval)
                else:
                    await asyncio.sleep(self.poll_interval)
                continue
            self._busy += 1
            try:
                await self._handle(lease)
            finally:
                self._busy -= 1

    async def _bury_expired(self) -> None:
        """Tasks the queue dead-lettered while claiming (their worker died on every attempt)."""
        take = getattr(self.queue, "take_buried", None)
        for task in take() if take is not None else ():
            with log_context(task.job):
                self.metrics.jobs.labels(task.kind, "dead").inc()
                self.metrics.dead_letters.labels(task.kind).inc()
                log.error("task %s (%s) dead-lettered: %s", task.job.key, task.kind,
                          LEASE_EXPIRED.format(n=self.max_attempts))
                await self._bury(task, LEASE_EXPIRED.format(n=self.max_attempts))

    async def _bury(self, task: Task, reason: str) -> None:
        try:
            if await bury(self.github, task, reason, gitlab=self.gitlab,
                          memo=JobMemo(self.queue, task.job.delivery_id)):
                log.info("task %s (%s): failed check/status posted for the dead letter", task.job.key, task.kind)
        except Exception:
            log.exception("task %s (%s): could not post the dead letter's failure", task.job.key, task.kind)

    async def _handle(self, lease: Lease) -> None:
        with log_context(lease.task.job):
            await self._handle_task(lease)

    async def _handle_task(self, lease: Lease) -> None:
        task = lease.task
        renewer = asyncio.create_task(self._renew(lease))
        started = time.monotonic()
        try:
            outcome = await run_task(self.github, task, cache=self.cache,
                                     final=lease.attempts >= self.max_attempts, gitlab=self.gitlab,
                                     memo=JobMemo(self.queue, task.job.delivery_id))
        except asyncio.CancelledError:
            renewer.cancel()
            with contextlib.suppress(Exception):
                await asyncio.shield(self.queue.release(lease))
            raise
        except Exception as exc:
            log.exception("task %s (%s) failed, attempt %d", task.job.key, task.kind, lease.attempts)
            dead = await self.queue.fail(lease, f"{type(exc).__name__}: {exc}")
            self.metrics.jobs.labels(task.kind, "dead" if dead else "retry").inc()
            if dead:
                self.metrics.dead_letters.labels(task.kind).inc()
                log.error("task %s (%s) dead-lettered after %d attempts: %s", task.job.key, task.kind,
                          lease.attempts, exc)
                await self._bury(task, f"{type(exc).__name__}: {exc}")  # no-op: the failure closed it
        else:
            await self.queue.complete(lease)
            self.metrics.jobs.labels(task.kind, outcome).inc()
            if outcome in ("passed", "failed"):
                self.metrics.review_seconds.labels(task.job.forge).observe(time.monotonic() - started)
            log.info("task %s (%s) %s", task.job.key, task.kind, outcome)
        finally:
            renewer.cancel()
            self.metrics.job_seconds.labels(task.kind).observe(time.monotonic() - started)

    async def _renew(self, lease: Lease) -> None:
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            if not await self.queue.renew(lease):
                log.warning("lost the lease of task %s", lease.task.job.key)
                return


async def work(settings=None) -> None:
    """The worker pool without the web server, over the configured queue, until cancelled."""
    from bot.service.app import build_runtime

    runtime = build_runtime(settings)
    await runtime.pool.start()
    try:
        await asyncio.Event().wait()
    finally:
        await runtime.close()


def run_worker(queue_url: str | None = None) -> int:
    """`readiness worker`: process queued reviews. The Redis/arq backend (`queue_url`) plugs in here."""
    from bot.service.app import load_settings
    from bot.service.redis_queue import is_redis_url

    if queue_url and not is_redis_url(queue_url):
        print(f"readiness worker: --queue must be a redis://HOST:PORT/DB URL, not {queue_url!r}", file=sys.stderr)
        return 2
    settings = load_settings()
    try:
        if queue_url:
            import os

            from bot.service.arq_worker import work_redis

            port = os.environ.get("READINESS_METRICS_PORT", "").strip()
            asyncio.run(work_redis(settings, queue_url, metrics_port=int(port) if port.isdigit() else None))
        else:
            asyncio.run(work(settings))
    except KeyboardInterrupt:
        pass
    return 0
