"""The GitHub App as a whole: its auth, one HTTP session, per-installation limits and shared caches."""
from __future__ import annotations

import asyncio
from collections.abc import Callable

from cachetools import LRUCache, TTLCache

from bot import cache_metrics
from bot.forges.github.auth import AppAuth, TokenAuth
from bot.forges.github.client import InstallationClient
from bot.forges.github.endpoints import DEFAULT_API_URL, graphql_url, normalize_api_url
from bot.forges.github.http import GitHubHTTP, HttpPolicy
from bot.job import Job

TEXT_CACHE_CHARS = 64 * 1024 * 1024


class GitHubApp:
    """Shared by every job of the process; `forge(job)` gives the per-job Forge."""

    def __init__(self, app_id: int | str, private_key: str, *, api_url: str = DEFAULT_API_URL,
                 policy: HttpPolicy | None = None, on_request: Callable[[str, int], None] | None = None,
                 text_cache_chars: int = TEXT_CACHE_CHARS, auth: AppAuth | TokenAuth | None = None):
        self.api_url = normalize_api_url(api_url)
        self.graphql_url = graphql_url(self.api_url)
        self.auth = auth or AppAuth(app_id, private_key)
        self.http = GitHubHTTP(policy, on_request=on_request)
        self._semaphores: dict[int, asyncio.Semaphore] = {}
        # content-addressed: blob sha -> text (None for binary); never stale
        self.texts: LRUCache = cache_metrics.texts_cache(text_cache_chars)
        # (repo, base sha) -> config text; a sha never changes, a branch name does (short TTL)
        self.configs: TTLCache = TTLCache(maxsize=1024, ttl=60)
        # (repo, head sha) -> Build & CI results once every check finished (bot/ci_results)
        self.ci: TTLCache = TTLCache(maxsize=1024, ttl=3600)

    @classmethod
    def with_token(cls, token: str, **kwargs) -> GitHubApp:
        """Token mode (GitHub Actions, a PAT): the same forge code, one fixed token, no App."""
        return cls(0, "", auth=TokenAuth(token), **kwargs)

    def client(self, installation_id: int | None, repo: str | None = None) -> InstallationClient:
        """Calls for one installation; with `repo`, its token reaches only that repository."""
        if installation_id is None and isinstance(self.auth, TokenAuth):
            installation_id = 0  # one token, one "installation"
        if installation_id is None:
            raise ValueError("a GitHub job needs an installation id")
        sem = self._semaphores.get(installation_id)
        if sem is None:
            sem = self._semaphores[installation_id] = asyncio.Semaphore(self.http.policy.concurrency)
        return InstallationClient(self.http, self.auth, installation_id, self.api_url, self.graphql_url, sem,
                                  repo=repo)

    def forge(self, job: Job):
        from bot.forges.github.forge import GitHubForge

        return GitHubForge(self, job)

    async def close(self) -> None:
        await self.http.close()
