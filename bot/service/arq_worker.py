"""`readiness worker --queue redis://…`: arq workers running review tasks under per-PR leases."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from arq import Retry
from arq.worker import Worker, func

from bot.service.logs import log_context
from bot.service.memo import JobMemo
from bot.service.queue import LEASE_EXPIRED, Task
from bot.service.redis_queue import (
    FUNCTION,
    KEEP_SECONDS,
    QUEUE_NAME,
    RedisQueue,
    redis_settings,
)

log = logging.getLogger(__name__)
JOB_TIMEOUT = 3600.0  # arq's hard cap on one task; leases (renewed while alive) detect dead workers
Runner = Callable[..., Awaitable[str]]  # (task, attempt, final attempt?, memo=JobMemo) -> outcome


async def readiness_task(ctx: dict, payload: str, seq: int = 0) -> str:
    """One arq job: drop it when superseded, wait for the PR lease, run, then done / retry / dead."""
    queue: RedisQueue = ctx["queue"]
    job_id: str = ctx["job_id"]
    task = Task.from_json(payload)
    key = task.job.key
    with log_context(task.job):
        if await queue.superseded(task, seq):
            await queue.finished(job_id, "superseded")
            log.info("task %s (%s) superseded by a newer head", key, task.kind)
            return "superseded"
        if not await queue.lock(key, job_id):  # another worker holds this pull request: come back later
            raise Retry(defer=ctx["poll_interval"])
        attempts = await queue.attempt(job_id)
        if attempts > queue.max_attempts:  # it died with its worker every time
            await queue.unlock(key, job_id)
            await _dead(ctx, job_id, task, LEASE_EXPIRED.format(n=queue.max_attempts))
            return "dead"
        renewer = asyncio.create_task(_renew(queue, key, job_id))
        try:
            outcome = await ctx["runner"](task, attempts, attempts >= queue.max_attempts,
                                          memo=JobMemo(queue, task.job.delivery_id))
        except asyncio.CancelledError:  # shutdown: give the lease back, arq runs the job again elsewhere
            with contextlib.suppress(Exception):
                await asyncio.shield(_give_back(queue, key, job_id))
            log.info("task %s (%s) returned to the queue on shutdown", key, task.kind)
            raise
        except Exception as exc:
            await queue.unlock(key, job_id)
            error = f"{type(exc).__name__}: {exc}"
            if attempts >= queue.max_attempts:
                await _dead(ctx, job_id, task, error)
                return "dead"
            log.warning("task %s (%s) failed, attempt %d of %d: %s", key, task.kind, attempts,
                        queue.max_attempts, error)
            raise Retry(defer=queue.backoff(attempts)) from exc
        finally:
            renewer.cancel()
        await queue.unlock(key, job_id)
        await queue.finished(job_id, "done")
        return outcome


async def _give_back(queue: RedisQueue, key: str, job_id: str) -> None:
    await queue.attempt(job_id, -1)
    await queue.unlock(key, job_id)


async def _dead(ctx: dict, job_id: str, task: Task, error: str) -> None:
    await ctx["queue"].finished(job_id, "dead", task, error)
    metrics = ctx.get("metrics")
    if metrics is not None:
        metrics.dead_letters.labels(task.kind).inc()
    log.error("task %s (%s) dead-lettered after %d attempts: %s", task.job.key, task.kind,
              ctx["queue"].max_attempts, error)
    on_dead = ctx.get("on_dead")  # close the check run / status (a no-op when the failure already did)
    if on_dead is not None:
        try:
            await on_dead(task, error, JobMemo(ctx["queue"], task.job.delivery_id))
        except Exception:
            log.exception("task %s (%s): could not post the dead letter's failure", task.job.key, task.kind)


async def _renew(queue: RedisQueue, key: str, job_id: str) -> None:
    while True:
        await asyncio.sleep(queue.lease_seconds / 3)
        if not await queue.renew(key, job_id):
            log.warning("lost the lease of task %s", key)
            return


def make_worker(queue: RedisQueue, runner: Runner, *, max_jobs: int = 4, poll_interval: float = 0.5,
                shutdown_grace: float = 30.0, handle_signals: bool = True, burst: bool = False,
                extra_ctx: dict | None = None, on_shutdown=None) -> Worker:
    """An arq Worker over the readiness queue. Its in-progress mark is our lease: kept alive by
    `_renew` while the worker lives, so a killed worker's job runs again after `lease_seconds`."""
    ctx = {"queue": queue, "runner": runner, "poll_interval": poll_interval, **(extra_ctx or {})}
    worker = Worker(
        functions=[func(readiness_task, name=FUNCTION, max_tries=1_000_000)],  # attempts are counted by us
        queue_name=QUEUE_NAME, redis_settings=redis_settings(queue.url), ctx=ctx, max_jobs=max_jobs,
        poll_delay=poll_interval, job_timeout=JOB_TIMEOUT, keep_result=KEEP_SECONDS,
        handle_signals=handle_signals, job_completion_wait=shutdown_grace, burst=burst, log_results=False,
        on_shutdown=on_shutdown)
    worker.in_progress_timeout_s = queue.lease_seconds
    return worker


def dead_handler(github, *, gitlab=None):
    """ctx["on_dead"]: fail the check run / status of a dead-lettered task (`worker.bury`)."""
    from bot.service.worker import bury

    async def on_dead(task: Task, error: str, memo: JobMemo) -> bool:
        return await bury(github, task, error, gitlab=gitlab, memo=memo)

    return on_dead


def review_runner(github, *, gitlab=None, metrics=None, cache=None) -> Runner:
    """The production runner: `run_task` with metrics, like the embedded worker pool."""
    import time

    from bot.service.worker import run_task

    async def run(task: Task, attempts: int, final: bool, memo: JobMemo | None = None) -> str:
        started = time.monotonic()
        try:
            outcome = await run_task(github, task, cache=cache, final=final, gitlab=gitlab, memo=memo)
        except Exception:
            if metrics is not None:
                metrics.jobs.labels(task.kind, "dead" if final else "retry").inc()
            raise
        finally:  # every attempt, as the embedded pool counts them
            if metrics is not None:
                metrics.job_seconds.labels(task.kind).observe(time.monotonic() - started)
        if metrics is not None:
            metrics.jobs.labels(task.kind, outcome).inc()
            if outcome in ("passed", "failed"):
                metrics.review_seconds.labels(task.job.forge).observe(time.monotonic() - started)
        log.info("task %s (%s) %s", task.job.key, task.kind, outcome)
        return outcome

    return run


async def work_redis(settings, queue_url: str, *, metrics_port: int | None = None) -> None:
    """Run arq workers with the service's GitHub App (and GitLab) until SIGTERM/SIGINT."""
    from bot import cache_metrics
    from bot.service.app import build_forges
    from bot.service.metrics import Metrics

    metrics = Metrics()
    queue = RedisQueue(queue_url, lease_seconds=settings.lease_seconds, max_attempts=settings.max_attempts,
                       retry_base=settings.retry_base)
    await queue.ping()  # fail fast with a clear error when Redis is unreachable
    github, gitlab = build_forges(settings, metrics)
    if metrics_port:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, registry=metrics.registry)
    runner = review_runner(github, gitlab=gitlab, metrics=metrics, cache=cache_metrics.findings_cache())
    worker = make_worker(queue, runner, max_jobs=settings.workers, poll_interval=settings.poll_interval,
                         shutdown_grace=settings.shutdown_grace, extra_ctx={"metrics": metrics,
                                    "on_dead": dead_handler(github, gitlab=gitlab)})
    log.info("readiness worker on %s: %d concurrent tasks, lease %.0fs, grace %.0fs", _safe_url(queue_url),
             settings.workers, settings.lease_seconds, settings.shutdown_grace)
    try:
        await worker.async_run()
    except asyncio.CancelledError:
        log.info("readiness worker stopping")
    finally:
        await worker.close()
        await github.close()
        if gitlab is not None:
            await gitlab.close()
        await queue.close()


def _safe_url(url: str) -> str:
    """The Redis URL without its password, for logs."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=f"{parts.username or ''}:***@{parts.hostname}:{parts.port or 6379}")
    return urlunsplit(parts)
