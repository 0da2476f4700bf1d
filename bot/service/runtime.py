"""The service's runtime (settings, queue, forges, workers, metrics) and its typed aiohttp app key.

Its own module so that request handlers (bot/service/webhook.py, gitlab_webhook.py) and the app that
registers them (bot/service/app.py) both import it instead of each other.
"""
from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.forges.github.app import GitHubApp
from bot.forges.gitlab.instance import GitLabInstance
from bot.service.metrics import Metrics
from bot.service.redis_queue import RedisQueue
from bot.service.settings import Settings
from bot.service.sqlite_queue import SQLiteQueue
from bot.service.worker import WorkerPool


@dataclass
class Runtime:
    settings: Settings
    queue: SQLiteQueue | RedisQueue
    github: GitHubApp
    pool: WorkerPool
    metrics: Metrics
    gitlab: GitLabInstance | None = None  # set when READINESS_GITLAB_* configure it

    async def close(self) -> None:
        await self.pool.stop(self.settings.shutdown_grace)  # running reviews may finish; the rest return
        await self.github.close()
        if self.gitlab is not None:
            await self.gitlab.close()
        await self.queue.close()


RUNTIME = web.AppKey("readiness_runtime", Runtime)
