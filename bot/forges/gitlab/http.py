"""HTTP to GitLab REST v4: timeouts, jittered retries, 429 waits, bounded concurrency, pagination.

httpx.AsyncClient rather than python-gitlab: python-gitlab is blocking (every call would need a
thread) and retries with its own rules, hiding the status and headers we need to honour
`Retry-After` / `RateLimit-Reset` ourselves. httpx is async, already a dependency, gives
per-request timeouts and connection pooling, and keeps percent-encoded paths (`src%2Fa.py`)
intact. The retry policy is the forge-neutral `HttpPolicy` of `bot.forges.http_policy`.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from bot.forges.http_policy import HttpPolicy, backoff_delay, decode_body, link_next, retry_after_seconds

log = logging.getLogger(__name__)
MAX_PAGES = 500


class GitLabError(Exception):
    def __init__(self, status: int, message: str, *, body: Any = None):
        self.status = status
        self.message = message
        self.body = body
        super().__init__(f"GitLab answered {status}: {message}")


@dataclass
class Response:
    status: int
    headers: httpx.Headers
    data: Any  # parsed JSON, or bytes for raw endpoints


def rate_limit_wait(headers: httpx.Headers, now: float | None = None) -> float:
    """Seconds to wait after a 429: `Retry-After`, else `RateLimit-Reset` (epoch), else a minute."""
    now = time.time() if now is None else now
    retry_after = retry_after_seconds(headers.get("Retry-After"), now)
    if retry_after is not None:
        return retry_after
    reset = headers.get("RateLimit-Reset")
    if reset:
        try:
            return max(0.0, float(reset) - now) + 1.0
        except ValueError:
            pass
    return 60.0


def next_url(headers: httpx.Headers, current: httpx.URL) -> str | None:
    """`rel="next"` of the Link header (same host only), else the `X-Next-Page` offset header."""
    link = link_next(headers.get("Link", ""), f"{current.scheme}://{current.netloc.decode()}")
    if link:
        return link
    page = headers.get("X-Next-Page", "").strip()
    return str(current.copy_set_param("page", page)) if page else None


class GitLabHTTP:
    """One pooled client per GitLab instance; every call goes through the concurrency bound."""

    def __init__(self, api_url: str, token: str, policy: HttpPolicy | None = None, *,
                 on_request: Callable[[str, int], None] | None = None):
        self.api_url = api_url.rstrip("/")
        self.policy = policy or HttpPolicy()
        self._token = token
        self._client: httpx.AsyncClient | None = None
        self._sem: asyncio.Semaphore | None = None
        self._on_request = on_request
        self.on_wait: Callable[[str, float], None] | None = None  # (forge, seconds) of each rate-limit wait
        self.requests = 0

    def _get_client(self) -> httpx.AsyncClient:
        if self._client is None or self._client.is_closed:
            headers = {"User-Agent": "readiness-bot"}
            if self._token:
                headers["PRIVATE-TOKEN"] = self._token
            self._client = httpx.AsyncClient(headers=headers, timeout=self.policy.timeout)
            self._sem = asyncio.Semaphore(self.policy.concurrency)
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _backoff(self, attempt: int) -> float:
        return backoff_delay(self.policy, attempt)

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.api_url}{path}"

    async def request(self, method: str, path: str, *, json: Any = None, params: dict | None = None,
                      raw: bool = False) -> Response:
        client = self._get_client()
        url = self.url(path)
        attempt = 0
        while True:
            try:
                async with self._sem:
                    resp = await client.request(method, url, json=json, params=params,
                                                timeout=self.policy.timeout)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                self._count(method, 0)
                if attempt >= self.policy.retries:
                    raise GitLabError(0, f"{method} {url}: {exc!r}") from exc
                wait = self._backoff(attempt)
                log.warning("gitlab %s %s failed (%r), retry in %.2fs", method, url, exc, wait)
            else:
                self._count(method, resp.status_code)
                if resp.status_code < 400:
                    return Response(resp.status_code, resp.headers, resp.content if raw else decode_body(resp.content))
                data = decode_body(resp.content)
                if resp.status_code == 429:
                    wait = rate_limit_wait(resp.headers)
                elif resp.status_code >= 500:
                    wait = self._backoff(attempt)
                else:
                    wait = None
                if wait is None or attempt >= self.policy.retries or wait > self.policy.max_wait:
                    raise GitLabError(resp.status_code, _message(data), body=data)
                if self.on_wait is not None and (resp.status_code == 429 or resp.headers.get("Retry-After")):
                    self.on_wait("gitlab", wait)
                log.warning("gitlab %s %s answered %s, retry in %.2fs", method, url, resp.status_code, wait)
            await self.policy.sleep(wait)
            attempt += 1

    async def get(self, path: str, params: dict | None = None) -> Any:
        return (await self.request("GET", path, params=params)).data

    async def post(self, path: str, body: Any) -> Any:
        return (await self.request("POST", path, json=body)).data

    async def put(self, path: str, body: Any) -> Any:
        return (await self.request("PUT", path, json=body)).data

    async def paginate(self, path: str, params: dict | None = None, *, limit: int | None = None
                       ) -> AsyncIterator[Any]:
        """Items of every page (Link `rel=next`, else `X-Next-Page`)."""
        url: str | None = self.url(path)
        query: dict | None = {"per_page": 100, **(params or {})}
        seen = 0
        for _ in range(MAX_PAGES):
            if url is None:
                return
            resp = await self.request("GET", url, params=query)
            for item in resp.data or []:
                yield item
                seen += 1
                if limit is not None and seen >= limit:
                    return
            current = httpx.URL(url, params=query) if query else httpx.URL(url)
            query = None  # the next URL carries the query already
            url = next_url(resp.headers, current)

    def _count(self, method: str, status: int) -> None:
        self.requests += 1
        if self._on_request is not None:
            self._on_request(method, status)


def _message(data: Any) -> str:
    if isinstance(data, dict):
        return str(data.get("message") or data.get("error") or data)[:300]
    return str(data)[:300]
