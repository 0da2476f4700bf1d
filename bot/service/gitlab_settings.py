"""GitLab settings from the environment: instance URL, API token, webhook secret (route off without it)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.forges.gitlab.instance import DEFAULT_URL, normalize_url


@dataclass(frozen=True)
class GitLabSettings:
    url: str = DEFAULT_URL
    token: str = field(default="", repr=False)
    webhook_secret: bytes = field(default=b"", repr=False)


def gitlab_from_env(env: Mapping[str, str], problems: list[str]) -> GitLabSettings | None:
    """GitLab settings, or None when GitLab is not configured. Problems are appended, not raised."""
    token = env.get("READINESS_GITLAB_TOKEN", "").strip()
    secret = env.get("READINESS_GITLAB_WEBHOOK_SECRET", "").strip()
    raw_url = env.get("READINESS_GITLAB_URL", "").strip()
    if not token and not secret:
        if raw_url:
            problems.append("READINESS_GITLAB_URL is set but READINESS_GITLAB_WEBHOOK_SECRET and "
                            "READINESS_GITLAB_TOKEN are not: set both to enable POST /webhooks/gitlab")
        return None
    if not secret:
        problems.append("READINESS_GITLAB_TOKEN is set but READINESS_GITLAB_WEBHOOK_SECRET is not: the service "
                        "refuses to accept GitLab webhooks without a secret token (set it to the webhook's "
                        "Secret token)")
    if not token:
        problems.append("READINESS_GITLAB_WEBHOOK_SECRET is set but READINESS_GITLAB_TOKEN is not: the bot needs "
                        "a project, group or bot access token with the `api` scope to read and comment")
    try:
        url = normalize_url(raw_url or DEFAULT_URL)
    except ValueError as exc:
        problems.append(f"READINESS_GITLAB_URL: {exc}")
        url = DEFAULT_URL
    return GitLabSettings(url=url, token=token, webhook_secret=secret.encode())
