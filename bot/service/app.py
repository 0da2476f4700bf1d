"""The aiohttp application: routes, the runtime (queue, GitHub App, workers) and `readiness serve`."""
from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from aiohttp import web

from bot.forges.github.app import GitHubApp
from bot.forges.github.http import HttpPolicy
from bot.forges.gitlab.instance import GitLabInstance
from bot.service.metrics import Metrics
from bot.service.settings import Settings, SettingsError
from bot.service.sqlite_queue import SQLiteQueue
from bot.service.gitlab_webhook import gitlab_webhook
from bot.service.webhook import github_webhook
from bot.service.worker import WorkerPool

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    queue: SQLiteQueue
    github: GitHubApp
    pool: WorkerPool
    metrics: Metrics
    gitlab: GitLabInstance | None = None  # set when READINESS_GITLAB_* configure it

    async def close(self) -> None:
        await self.pool.stop()
        await self.github.close()
        if self.gitlab is not None:
            await self.gitlab.close()
        await self.queue.close()


RUNTIME = web.AppKey("readiness_runtime", Runtime)
_WORKERS_ON = web.AppKey("readiness_workers_on", bool)


def build_runtime(settings: Settings | None = None, *, policy: HttpPolicy | None = None) -> Runtime:
    settings = settings or Settings.from_env()
    metrics = Metrics()
    queue = SQLiteQueue(settings.queue_path, lease_seconds=settings.lease_seconds,
                        max_attempts=settings.max_attempts, retry_base=settings.retry_base)
    policy = policy or HttpPolicy(timeout=settings.http_timeout, backoff=settings.http_backoff)
    github = GitHubApp(settings.app_id, settings.private_key, api_url=settings.api_url, policy=policy,
                       on_request=metrics.github_request)
    gitlab = GitLabInstance(settings.gitlab.url, settings.gitlab.token, policy=policy) if settings.gitlab else None
    pool = WorkerPool(queue, github, size=settings.workers, poll_interval=settings.poll_interval,
                      lease_seconds=settings.lease_seconds, max_attempts=settings.max_attempts, metrics=metrics,
                      gitlab=gitlab)
    return Runtime(settings, queue, github, pool, metrics, gitlab)


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    try:
        ok = rt.queue.ping()
        pending = await rt.queue.pending()
    except Exception as exc:  # a broken queue file: not ready, say why
        return web.json_response({"status": "unavailable", "queue": str(exc)}, status=503)
    workers = len(rt.pool._tasks) if request.app.get(_WORKERS_ON, True) else 0
    return web.json_response({"status": "ok" if ok else "unavailable", "pending": pending, "workers": workers},
                             status=200 if ok else 503)


async def metrics(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    counts = await rt.queue.counts()
    rt.metrics.queue_pending.set(counts.get("queued", 0) + counts.get("leased", 0))
    rt.metrics.queue_dead.set(counts.get("dead", 0))
    return web.Response(body=rt.metrics.render(), headers={"Content-Type": rt.metrics.content_type})


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None,
               start_workers: bool = True) -> web.Application:
    runtime = runtime or build_runtime(settings)
    app = web.Application(client_max_size=runtime.settings.max_body + 1)
    app[RUNTIME] = runtime
    app[_WORKERS_ON] = start_workers
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
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return Settings.from_env()
    except SettingsError as exc:
        print(str(exc), file=sys.stderr)
        raise SystemExit(2) from None


def serve(host: str = "0.0.0.0", port: int = 8080, queue_url: str | None = None) -> int:
    """`readiness serve`: validate the environment, then run until interrupted."""
    if queue_url:
        print(f"readiness serve: queue {queue_url!r} is not supported yet (embedded SQLite queue only)",
              file=sys.stderr)
        return 2
    settings = load_settings()
    log.info("readiness service for App %s, API %s, data in %s", settings.app_id, settings.api_url,
             settings.data_dir)
    web.run_app(create_app(settings), host=host, port=port, print=None)
    return 0
