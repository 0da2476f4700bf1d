"""The aiohttp application: routes, the runtime (queue, GitHub App, workers) and `readiness serve`."""
from __future__ import annotations

import logging
import os
import sys

from aiohttp import web

from bot.forges.github.app import GitHubApp
from bot.forges.gitlab.instance import GitLabInstance
from bot.forges.http_policy import HttpPolicy
from bot.service.gitlab_webhook import gitlab_webhook
from bot.service.logs import settings_secrets, setup_logging
from bot.service.metrics import Metrics
from bot.service.redis_queue import RedisQueue, is_redis_url
from bot.service.runtime import RUNTIME, Runtime
from bot.service.settings import Settings, SettingsError
from bot.service.sqlite_queue import SQLiteQueue
from bot.service.webhook import github_webhook
from bot.service.worker import WorkerPool

log = logging.getLogger(__name__)


_WORKERS_ON = web.AppKey("readiness_workers_on", bool)


def build_forges(settings: Settings, metrics: Metrics, policy: HttpPolicy | None = None
                 ) -> tuple[GitHubApp, GitLabInstance | None]:
    """The GitHub App (and the GitLab instance when configured), counting requests and waits in `metrics`."""
    policy = policy or HttpPolicy(timeout=settings.http_timeout, backoff=settings.http_backoff)
    github = GitHubApp(settings.app_id, settings.private_key, api_url=settings.api_url, policy=policy,
                       on_request=metrics.github_request)
    github.http.on_wait = metrics.rate_limit_wait
    gitlab = None
    if settings.gitlab is not None:
        gitlab = GitLabInstance(settings.gitlab.url, settings.gitlab.token, policy=policy,
                                on_request=metrics.gitlab_request)
        gitlab.http.on_wait = metrics.rate_limit_wait
    return github, gitlab


def build_runtime(settings: Settings | None = None, *, policy: HttpPolicy | None = None,
                  queue_url: str | None = None) -> Runtime:
    settings = settings or Settings.from_env()
    metrics = Metrics()
    queue_kind = RedisQueue if queue_url else SQLiteQueue
    queue = queue_kind(queue_url or settings.queue_path, lease_seconds=settings.lease_seconds,
                       max_attempts=settings.max_attempts, retry_base=settings.retry_base)
    github, gitlab = build_forges(settings, metrics, policy)
    pool = WorkerPool(queue, github, size=settings.workers, poll_interval=settings.poll_interval,
                      lease_seconds=settings.lease_seconds, max_attempts=settings.max_attempts, metrics=metrics,
                      gitlab=gitlab)
    return Runtime(settings, queue, github, pool, metrics, gitlab)


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    try:
        ok = await rt.queue.ping()
        pending = await rt.queue.pending()
    except Exception as exc:  # a broken queue file: not ready, say why
        return web.json_response({"status": "unavailable", "queue": str(exc)}, status=503)
    workers = rt.pool.running if request.app.get(_WORKERS_ON, True) else 0
    return web.json_response({"status": "ok" if ok else "unavailable", "pending": pending, "workers": workers},
                             status=200 if ok else 503)


async def metrics(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    try:
        rt.metrics.queue_counts(await rt.queue.counts())
    except Exception:  # the queue is down: still serve the process's own metrics
        log.warning("queue counts unavailable for /metrics", exc_info=True)
    return web.Response(body=rt.metrics.render(), headers={"Content-Type": rt.metrics.content_type})


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None,
               start_workers: bool = True) -> web.Application:
    runtime = runtime or build_runtime(settings)
    app = web.Application(client_max_size=runtime.settings.max_body + 1)
    app[RUNTIME] = runtime
    app[_WORKERS_ON] = start_workers
    if runtime.settings.github_enabled:
        app.router.add_post("/webhooks/github", github_webhook)
    if runtime.settings.gitlab is not None and runtime.settings.gitlab.webhook_secret:
        app.router.add_post("/webhooks/gitlab", gitlab_webhook)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)

    async def on_startup(_app: web.Application) -> None:
        if start_workers:
            await runtime.pool.start()

    async def on_cleanup(_app: web.Application) -> None:
        await runtime.close()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app


def load_settings() -> Settings:
    """Settings from the environment, or exit 2 with every problem listed (logging set up too)."""
    handler = setup_logging(fmt=os.environ.get("READINESS_LOG_FORMAT", "json"),
                            level=getattr(logging, os.environ.get("READINESS_LOG_LEVEL", "INFO").upper(), 20))
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(str(exc), file=sys.stderr)
        raise SystemExit(2) from None
    scrub = getattr(handler.formatter, "scrub", None) or handler.filters[0].scrub
    scrub.add(*settings_secrets(settings))
    return settings


def serve(host: str = "0.0.0.0", port: int = 8080, queue_url: str | None = None) -> int:
    """`readiness serve`: validate the environment, then run until interrupted."""
    if queue_url and not is_redis_url(queue_url):
        print(f"readiness serve: --queue must be a redis://HOST:PORT/DB URL, not {queue_url!r}", file=sys.stderr)
        return 2
    settings = load_settings()
    log.info("readiness service for %s, %s",
             f"GitHub App {settings.app_id} at {settings.api_url}" if settings.github_enabled else "GitLab only",
             "enqueue only (workers: `readiness worker`)" if queue_url else f"data in {settings.data_dir}")
    app = create_app(runtime=build_runtime(settings, queue_url=queue_url), start_workers=not queue_url)
    # SIGTERM: stop accepting, let running reviews finish within the grace period, give back the rest
    web.run_app(app, host=host, port=port, print=None, shutdown_timeout=min(settings.shutdown_grace, 60.0),
                access_log=None)
    return 0
