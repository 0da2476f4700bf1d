"""GitHub App auth: an RS256 App JWT (PyJWT) exchanged for installation tokens, cached until near expiry."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

import jwt
from cachetools import TLRUCache

JWT_BACKDATE = 60  # GitHub advises iat in the past to absorb clock drift
JWT_LIFETIME = 540  # exp - now; with the backdate exp - iat is exactly GitHub's 10 minute maximum
TOKEN_MARGIN = 300  # stop using a token this many seconds before it expires


@dataclass(frozen=True)
class InstallationToken:
    token: str
    expires_at: float  # epoch seconds


def app_jwt(app_id: int | str, private_key: str, *, now: float | None = None) -> str:
    now = int(time.time() if now is None else now)
    payload = {"iat": now - JWT_BACKDATE, "exp": now + JWT_LIFETIME, "iss": str(app_id)}
    return jwt.encode(payload, private_key, algorithm="RS256")


def parse_expiry(value: str | None) -> float:
    if not value:
        return time.time() + 3600
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


# exchange(installation_id, app_jwt) -> {"token": ..., "expires_at": ...}
Exchange = Callable[[int, str], Awaitable[dict]]


class AppAuth:
    """Installation tokens for one App. `exchange` performs the HTTP call (see GitHubForge)."""

    def __init__(self, app_id: int | str, private_key: str, *, margin: float = TOKEN_MARGIN,
                 maxsize: int = 1024):
        self.app_id = app_id
        self._key = private_key
        self._margin = margin
        # (installation id, repository or None) -> token: a job's token reaches only its repository
        self._tokens: TLRUCache = TLRUCache(maxsize=maxsize, ttu=self._ttu, timer=time.time)
        self._locks: dict[tuple[int, str | None], asyncio.Lock] = {}
        self.exchanges = 0

    def _ttu(self, _key: tuple, value: InstallationToken, _now: float) -> float:
        return value.expires_at - self._margin

    def jwt(self) -> str:
        return app_jwt(self.app_id, self._key)

    async def token(self, installation_id: int, exchange: Exchange, *, refresh: bool = False,
                    repo: str | None = None) -> str:
        """A token of the installation; with `repo`, one `exchange` scoped to that repository."""
        key = (installation_id, repo)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            cached = None if refresh else self._tokens.get(key)
            if cached is not None:
                return cached.token
            data = await exchange(installation_id, self.jwt())
            self.exchanges += 1
            tok = InstallationToken(data["token"], parse_expiry(data.get("expires_at")))
            self._tokens[key] = tok
            return tok.token

    def invalidate(self, installation_id: int, token: str | None = None, *, repo: str | None = None) -> None:
        key = (installation_id, repo)
        cached = self._tokens.get(key)
        if cached is not None and (token is None or cached.token == token):
            self._tokens.pop(key, None)


class TokenAuth:
    """A plain token instead of App installation tokens: a workflow's `GITHUB_TOKEN` or a PAT.

    Same interface as AppAuth, so the client, fetching and publishing code is shared. There is
    nothing to exchange or refresh: a 401 simply fails after the client's one retry.
    """

    def __init__(self, token: str):
        if not token.strip():
            raise ValueError("an empty GitHub token")
        self._token = token.strip()
        self.exchanges = 0

    async def token(self, installation_id: int, exchange: Exchange, *, refresh: bool = False,
                    repo: str | None = None) -> str:
        return self._token

    def invalidate(self, installation_id: int, token: str | None = None, *, repo: str | None = None) -> None:
        return None
