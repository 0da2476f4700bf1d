"""HTTP to GitHub: timeouts, jittered retries on 5xx/timeouts, rate-limit waits, Link pagination.

aiohttp directly rather than gidgethub's GitHubAPI: we need the raw status and headers of every
answer to honour Retry-After / X-RateLimit-Reset ourselves (gidgethub raises before we see them on
secondary limits), GraphQL at a derived endpoint for GHES, and one place to count requests. The
server side is aiohttp already, so this adds no dependency.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.forges.http_policy import HttpPolicy, backoff_delay, decode_body, link_next, retry_after_seconds

__all__ = ["GitHubError", "GitHubHTTP", "HttpPolicy", "Response", "next_link", "rate_limit_wait"]

log = logging.getLogger(__name__)


class GitHubError(Exception):
    def __init__(self, status: int, message: str, *, body: Any = None, headers: Any = None):
        self.status = status
        self.message = message
        self.body = body
        self.headers = headers or {}
        super().__init__(f"GitHub answered {status}: {message}")


@dataclass
class Response:
    status: int
    headers: Any
    data: Any


def next_link(headers: Any, origin: str | None = None) -> str | None:
    """The absolute `rel="next"` URL of a paginated answer (only on the API's own host)."""
    return link_next(headers.get("Link", "") if headers else "", origin)


def rate_limit_wait(status: int, headers: Any, body: Any, now: float | None = None) -> float | None:
    """Seconds to wait before retrying a 403/429, or None when it is a real permission error."""
    now = time.time() if now is None else now
    retry_after = retry_after_seconds(headers.get("Retry-After"), now)
    if retry_after is not None:
        return retry_after
    if headers.get("X-RateLimit-Remaining") == "0" and headers.get("X-RateLimit-Reset"):
        try:
            return max(0.0, float(headers["X-RateLimit-Reset"]) - now) + 1.0
        except ValueError:
            return 60.0
    message = body.get("message", "") if isinstance(body, dict) else str(body or "")
    if status == 429 or "rate limit" in message.lower():
        return 60.0  # GitHub: without a header, wait at least a minute
    return None


class GitHubHTTP:
    """A shared aiohttp session with GitHub's retry and rate-limit rules. Stateless between calls."""

    def __init__(self, policy: HttpPolicy | None = None, *, user_agent: str = "readiness-bot",
                 on_request: Callable[[str, int], None] | None = None):
        self.policy = policy or HttpPolicy()
        self._user_agent = user_agent
        self._session: aiohttp.ClientSession | None = None
        self._on_request = on_request
        self.on_wait: Callable[[str, float], None] | None = None  # (forge, seconds) of each rate-limit wait
        self.requests = 0

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # a session-wide bound as well as the per-request one in request()
            self._session = aiohttp.ClientSession(headers={"User-Agent": self._user_agent},
                                                  timeout=aiohttp.ClientTimeout(total=self.policy.timeout))
        return self._session

    def _backoff(self, attempt: int) -> float:
        return backoff_delay(self.policy, attempt)

    async def request(self, method: str, url: str, *, auth: str | None = None, json: Any = None,
                      params: dict | None = None, accept: str = "application/vnd.github+json") -> Response:
        headers = {"Accept": accept, "X-GitHub-Api-Version": "2022-11-28"}
        if auth:
            headers["Authorization"] = auth
        timeout = aiohttp.ClientTimeout(total=self.policy.timeout)
        attempt = 0
        while True:
            try:
                async with self._get_session().request(method, url, headers=headers, json=json, params=params,
                                                       timeout=timeout) as resp:
                    raw = await resp.read()
                    status, resp_headers = resp.status, resp.headers
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                self._count(method, 0)
                if attempt >= self.policy.retries:
                    raise GitHubError(0, f"{method} {url}: {exc!r}") from exc
                wait = self._backoff(attempt)
                log.warning("github %s %s failed (%r), retry in %.2fs", method, url, exc, wait)
                await self.policy.sleep(wait)
                attempt += 1
                continue
            self._count(method, status)
            data = decode_body(raw)
            if status < 400:
                return Response(status, resp_headers, data)
            wait = None
            if status >= 500:
                wait = rate_limit_wait(status, resp_headers, None) if resp_headers.get("Retry-After") \
                    else self._backoff(attempt)
            elif status in (403, 429):
                wait = rate_limit_wait(status, resp_headers, data)
            if wait is None or attempt >= self.policy.retries or wait > self.policy.max_wait:
                message = data.get("message", "") if isinstance(data, dict) else str(data)[:200]
                raise GitHubError(status, message, body=data, headers=resp_headers)
            if self.on_wait is not None and (status in (403, 429) or resp_headers.get("Retry-After")):
                self.on_wait("github", wait)
            log.warning("github %s %s answered %s, retry in %.2fs", method, url, status, wait)
            await self.policy.sleep(wait)
            attempt += 1

    def _count(self, method: str, status: int) -> None:
        self.requests += 1
        if self._on_request is not None:
            self._on_request(method, status)
