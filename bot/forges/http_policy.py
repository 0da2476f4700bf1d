"""The forge-neutral outbound HTTP policy: timeouts, retry budget, jittered backoff, rate-limit wait cap."""
from __future__ import annotations

import asyncio
import email.utils
import json
import random
import re
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([a-z]+)"?')


@dataclass(frozen=True)
class HttpPolicy:
    """One policy object shared by the GitHub and GitLab HTTP layers (and the CI entry points)."""

    timeout: float = 30.0  # per request, seconds
    retries: int = 4  # extra attempts after the first
    backoff: float = 0.5  # base of the exponential backoff, seconds
    max_backoff: float = 30.0
    max_wait: float = 900.0  # longest rate-limit wait we sit out; longer ones fail the call
    concurrency: int = 8  # requests in flight per installation (GitHub) / per instance (GitLab)
    sleep: Callable[[float], Awaitable[Any]] = field(default=asyncio.sleep, compare=False)


def backoff_delay(policy: HttpPolicy, attempt: int) -> float:
    """Seconds before retry number `attempt` (0-based): exponential, capped, with equal jitter
    (never zero, so clients that failed together do not retry together)."""
    ceiling = min(policy.max_backoff, policy.backoff * (2 ** attempt))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Seconds a `Retry-After` header asks for (delta seconds or an HTTP date); None when absent.
    An unparseable value means a minute, never an exception."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return 60.0


def link_next(link_header: str | None, origin: str | None = None) -> str | None:
    """The `rel="next"` URL of an RFC 8288 `Link` header (GitHub and GitLab pagination).

    With `origin` (the API base URL), a link to another scheme or host is refused: pages are
    fetched with our token, which must never travel to a host a response names.
    """
    for url, rel in _LINK.findall(link_header or ""):
        if rel == "next":
            if origin is not None and not same_origin(url, origin):
                return None
            return url
    return None


def same_origin(url: str, origin: str) -> bool:
    a, b = urllib.parse.urlsplit(url), urllib.parse.urlsplit(origin)
    if not a.netloc:  # relative link: resolved against the API base
        return True
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def decode_body(raw: bytes) -> Any:
    """A response body as JSON, else as text (error pages), None when empty."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")
