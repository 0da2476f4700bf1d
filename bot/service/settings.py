"""Service settings from the environment, validated once at start-up with every problem named."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.forges.github.endpoints import DEFAULT_API_URL, graphql_url, normalize_api_url
from bot.service.gitlab_settings import GitLabSettings, gitlab_from_env
from bot.service.tuning import tuning_from_env

MAX_BODY = 25 * 1024 * 1024  # GitHub caps webhook payloads at 25 MB


class SettingsError(Exception):
    """The environment does not describe a service that can run; the message lists every problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("cannot start the readiness service:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Settings:
    app_id: int
    private_key: str
    webhook_secret: bytes
    api_url: str = DEFAULT_API_URL
    data_dir: Path = Path(".readiness-data")
    workers: int = 4
    max_body: int = MAX_BODY
    lease_seconds: float = 300.0  # a claimed job not finished or renewed by then is retried
    max_attempts: int = 5  # then the job goes to the dead letter table
    retry_base: float = 5.0  # job retry backoff base, seconds
    poll_interval: float = 1.0  # idle worker wake-up, seconds
    http_backoff: float = 0.5
    http_timeout: float = 30.0
    shutdown_grace: float = 30.0  # SIGTERM: running jobs get this long to finish, then their leases return
    gitlab: GitLabSettings | None = None  # None: POST /webhooks/gitlab is not served

    @property
    def github_enabled(self) -> bool:
        """False for a GitLab-only deployment (no READINESS_GITHUB_* variable set)."""
        return bool(self.webhook_secret)

    @property
    def graphql_url(self) -> str:
        return graphql_url(self.api_url)

    @property
    def queue_path(self) -> Path:
        return self.data_dir / "queue.sqlite3"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> Settings:
        env = os.environ if env is None else env
        problems: list[str] = []
        gitlab = gitlab_from_env(env, problems)
        if gitlab is not None and not any(env.get(k, "").strip() for k in _GITHUB_VARS):
            return cls._gitlab_only(env, problems, gitlab, overrides)
        secret = env.get("READINESS_GITHUB_WEBHOOK_SECRET", "")
        if not secret.strip():
            problems.append("READINESS_GITHUB_WEBHOOK_SECRET is not set: the service refuses to accept "
                            "unsigned webhooks (set it to the App's webhook secret)")
        app_id_raw = env.get("READINESS_GITHUB_APP_ID", "").strip()
        app_id = 0
        if not app_id_raw:
            problems.append("READINESS_GITHUB_APP_ID is not set (the App ID from the App's settings page)")
        elif not app_id_raw.isdigit():
            problems.append(f"READINESS_GITHUB_APP_ID must be a number, not {app_id_raw!r}")
        else:
            app_id = int(app_id_raw)
        key = _private_key(env, problems)
        api_url = env.get("READINESS_GITHUB_API_URL", "").strip() or DEFAULT_API_URL
        try:
            api_url = normalize_api_url(api_url)
        except ValueError as exc:
            problems.append(f"READINESS_GITHUB_API_URL: {exc}")
        data_dir = _data_dir(env, problems)
        workers = env.get("READINESS_WORKERS", "").strip()
        if workers and (not workers.isdigit() or int(workers) < 1):
            problems.append(f"READINESS_WORKERS must be a whole number ≥ 1, not {workers!r}")
        tuning = tuning_from_env(env, problems)
        if problems:
            if gitlab is None:
                problems.append("(or configure only GitLab: READINESS_GITLAB_TOKEN and "
                                "READINESS_GITLAB_WEBHOOK_SECRET)")
            raise SettingsError(problems)
        kwargs = {"workers": int(workers)} if workers else {}
        kwargs["gitlab"] = gitlab
        kwargs.update(tuning)
        kwargs.update(overrides)
        return cls(app_id=app_id, private_key=key, webhook_secret=secret.encode(), api_url=api_url,
                   data_dir=data_dir, **kwargs)

    @classmethod
    def _gitlab_only(cls, env: Mapping[str, str], problems: list[str], gitlab: GitLabSettings,
                     overrides: dict) -> Settings:
        data_dir = _data_dir(env, problems)
        workers = env.get("READINESS_WORKERS", "").strip()
        if workers and (not workers.isdigit() or int(workers) < 1):
            problems.append(f"READINESS_WORKERS must be a whole number ≥ 1, not {workers!r}")
        tuning = tuning_from_env(env, problems)
        if problems:
            raise SettingsError(problems)
        kwargs: dict = {"workers": int(workers)} if workers else {}
        kwargs.update(tuning)
        kwargs.update(overrides)
        # No GitHub App: the GitHub route is not served (github_enabled is False).
        return cls(app_id=0, private_key="", webhook_secret=b"", data_dir=data_dir, gitlab=gitlab, **kwargs)


_GITHUB_VARS = ("READINESS_GITHUB_APP_ID", "READINESS_GITHUB_PRIVATE_KEY", "READINESS_GITHUB_PRIVATE_KEY_PATH",
                "READINESS_GITHUB_WEBHOOK_SECRET")


def _data_dir(env: Mapping[str, str], problems: list[str]) -> Path:
    data_dir = Path(env.get("READINESS_DATA_DIR", "").strip() or ".readiness-data")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(data_dir, os.W_OK):
            problems.append(f"READINESS_DATA_DIR {data_dir} is not writable")
    except OSError as exc:
        problems.append(f"READINESS_DATA_DIR {data_dir} cannot be created: {exc.strerror}")
    return data_dir


def _private_key(env: Mapping[str, str], problems: list[str]) -> str:
    text = env.get("READINESS_GITHUB_PRIVATE_KEY", "").strip()
    path = env.get("READINESS_GITHUB_PRIVATE_KEY_PATH", "").strip()
    if not text and path:
        try:
            text = Path(path).read_text().strip()
        except OSError as exc:
            problems.append(f"READINESS_GITHUB_PRIVATE_KEY_PATH {path}: {exc.strerror}")
            return ""
    if not text:
        problems.append("set READINESS_GITHUB_PRIVATE_KEY (PEM text) or READINESS_GITHUB_PRIVATE_KEY_PATH "
                        "(the .pem file downloaded from the App's settings page)")
        return ""
    text = text.replace("\\n", "\n")  # keys passed through one-line env files
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        load_pem_private_key(text.encode(), password=None)
    except (ValueError, TypeError) as exc:
        problems.append(f"the GitHub App private key is not a readable unencrypted PEM key: {exc}")
    return text + "\n"
