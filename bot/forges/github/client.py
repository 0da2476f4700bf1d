"""Calls on behalf of one installation: its token (refreshed once on 401), its concurrency bound."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from bot.forges.github.auth import AppAuth
from bot.forges.github.http import GitHubError, GitHubHTTP, next_link


class GraphQLError(GitHubError):
    pass


class InstallationClient:
    def __init__(self, http: GitHubHTTP, auth: AppAuth, installation_id: int, api_url: str, graphql_url: str,
                 semaphore: asyncio.Semaphore, repo: str | None = None):
        self.http = http
        self.auth = auth
        self.installation_id = installation_id
        self.repo = repo  # "owner/name": the installation token is scoped to this one repository
        self.api_url = api_url
        self.graphql_url = graphql_url
        self._sem = semaphore

    async def _exchange(self, installation_id: int, app_jwt: str) -> dict:
        body = {"repositories": [self.repo.split("/", 1)[-1]]} if self.repo else None
        resp = await self.http.request(
            "POST", f"{self.api_url}/app/installations/{installation_id}/access_tokens",
            auth=f"Bearer {app_jwt}", json=body)
        return resp.data

    async def _token(self, refresh: bool = False) -> str:
        return await self.auth.token(self.installation_id, self._exchange, refresh=refresh, repo=self.repo)

    async def call(self, method: str, url: str, *, json: Any = None, params: dict | None = None):
        """One request; relative URLs are joined to the API URL. A 401 refreshes the token once."""
        if not url.startswith(("http://", "https://")):
            url = f"{self.api_url}{url}"
        async with self._sem:
            token = await self._token()
            try:
                return await self.http.request(method, url, auth=f"token {token}", json=json, params=params)
            except GitHubError as exc:
                if exc.status != 401:
                    raise
                self.auth.invalidate(self.installation_id, token, repo=self.repo)
                token = await self._token(refresh=True)
                return await self.http.request(method, url, auth=f"token {token}", json=json, params=params)

    async def get(self, url: str, params: dict | None = None) -> Any:
        return (await self.call("GET", url, params=params)).data

    async def post(self, url: str, body: Any) -> Any:
        return (await self.call("POST", url, json=body)).data

    async def patch(self, url: str, body: Any) -> Any:
        return (await self.call("PATCH", url, json=body)).data

    async def paginate(self, url: str, params: dict | None = None, *, limit: int | None = None
                       ) -> AsyncIterator[Any]:
        """Items of every page, following the absolute `rel="next"` URLs of the Link header."""
        params = {"per_page": 100, **(params or {})}
        seen = 0
        next_url: str | None = url
        while next_url:
            resp = await self.call("GET", next_url, params=params)
            params = None  # the next link carries the query already
            for item in resp.data or []:
                yield item
                seen += 1
                if limit is not None and seen >= limit:
                    return
            next_url = next_link(resp.headers, self.api_url)

    async def graphql(self, query: str, variables: dict | None = None) -> dict:
        resp = await self.call("POST", self.graphql_url, json={"query": query, "variables": variables or {}})
        data = resp.data if isinstance(resp.data, dict) else {}
        if data.get("errors"):
            raise GraphQLError(resp.status, "; ".join(e.get("message", "?") for e in data["errors"]),
                               body=data)
        return data.get("data") or {}
