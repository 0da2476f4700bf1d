"""One GitLab server: its URL and token, one HTTP client, the bot's own user, shared caches."""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from cachetools import LRUCache, TTLCache

from bot import cache_metrics
from bot.forges.gitlab.http import GitLabHTTP
from bot.forges.http_policy import HttpPolicy
from bot.job import Job

DEFAULT_URL = "https://gitlab.com"
TEXT_CACHE_CHARS = 64 * 1024 * 1024


def normalize_url(url: str) -> str:
    """`https://host[/prefix]` without a trailing slash or `/api/v4` (both spellings are accepted)."""
    url = (url or DEFAULT_URL).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not an http(s) URL of a GitLab instance")
    return url.removesuffix("/api/v4")


class GitLabInstance:
    """Shared by every GitLab job of the process; `forge(job)` gives the per-job Forge."""

    def __init__(self, url: str, token: str, *, policy: HttpPolicy | None = None,
                 on_request: Callable[[str, int], None] | None = None, text_cache_chars: int = TEXT_CACHE_CHARS):
        self.url = normalize_url(url)
        self.http = GitLabHTTP(f"{self.url}/api/v4", token, policy, on_request=on_request)
        # content-addressed: blob id -> text (None for binary); never stale
        self.texts: LRUCache = cache_metrics.texts_cache(text_cache_chars)
        # (project id, commit sha, path) -> blob id: a commit never changes
        self.blob_ids: LRUCache = LRUCache(maxsize=200_000)
        # (project id, branch) -> config text; a branch moves, so a short TTL
        self.configs: TTLCache = TTLCache(maxsize=1024, ttl=60)
        # (project, head sha) -> Build & CI results once every job finished (bot/ci_results)
        self.ci: TTLCache = TTLCache(maxsize=1024, ttl=3600)
        self._me: dict | None = None

    async def bot_user(self) -> dict:
        """The token's own user (`GET /user`): how the bot recognises its own notes."""
        if self._me is None:
            self._me = await self.http.get("/user")
        return self._me

    def forge(self, job: Job):
        from bot.forges.gitlab.forge import GitLabForge

        return GitLabForge(self, job)

    async def close(self) -> None:
        await self.http.close()
