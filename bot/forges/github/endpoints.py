"""One configured API URL gives both endpoints: REST and GraphQL (github.com and GHES differ)."""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

DEFAULT_API_URL = "https://api.github.com"


def normalize_api_url(api_url: str) -> str:
    url = (api_url or DEFAULT_API_URL).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {api_url!r}")
    return url


def graphql_url(api_url: str) -> str:
    """api.github.com -> https://api.github.com/graphql; https://HOST/api/v3 -> https://HOST/api/graphql.

    Any other base (a test server, a proxy) serves GraphQL at `<base>/graphql`.
    """
    url = normalize_api_url(api_url)
    parts = urlsplit(url)
    path = parts.path
    if path.endswith("/api/v3"):
        path = path[: -len("/v3")] + "/graphql"
    else:
        path = path + "/graphql"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
