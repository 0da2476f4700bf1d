"""`readiness review --publish github`: the pull request of a GitHub Actions run, with its GITHUB_TOKEN."""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.ci.errors import CIEnvError
from bot.ci.runner import UNSET, Outcome, PublishesNothing, refused, review_and_publish
from bot.forges.github.app import GitHubApp
from bot.forges.github.endpoints import DEFAULT_API_URL, normalize_api_url
from bot.forges.github.forge import GitHubForge
from bot.forges.github.http import GitHubError, HttpPolicy
from bot.job import Job

PR_EVENTS = ("pull_request", "pull_request_target")


@dataclass(frozen=True)
class ActionContext:
    repo: str
    number: int
    head_sha: str
    base_ref: str
    base_sha: str
    api_url: str = DEFAULT_API_URL
    token: str = field(default="", repr=False)
    draft: bool = False
    run_id: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ActionContext:
        problems: list[str] = []
        token = env.get("GITHUB_TOKEN", "").strip()
        if not token:
            problems.append("GITHUB_TOKEN is not set: pass `env: GITHUB_TOKEN: ${{ github.token }}` "
                            "(the action does this for you)")
        repo = env.get("GITHUB_REPOSITORY", "").strip()
        if repo.count("/") != 1:
            problems.append(f"GITHUB_REPOSITORY must be owner/name, not {repo!r}")
        try:
            api_url = normalize_api_url(env.get("GITHUB_API_URL", "").strip() or DEFAULT_API_URL)
        except ValueError as exc:
            problems.append(f"GITHUB_API_URL: {exc}")
            api_url = DEFAULT_API_URL
        pr = _pull_request(env, problems)
        if problems:
            raise CIEnvError(problems)
        head, base = pr.get("head") or {}, pr.get("base") or {}
        return cls(repo=repo, number=int(pr["number"]), head_sha=head.get("sha", ""), base_ref=base.get("ref", ""),
                   base_sha=base.get("sha", ""), api_url=api_url, token=token, draft=bool(pr.get("draft")),
                   run_id=env.get("GITHUB_RUN_ID", ""))

    def job(self) -> Job:
        return Job(forge="github", repo=self.repo, number=self.number, head_sha=self.head_sha,
                   base_ref=self.base_ref, base_sha=self.base_sha, installation_id=0,
                   delivery_id=f"actions-{self.run_id}" if self.run_id else "", event="actions.pull_request",
                   draft=self.draft)


def _pull_request(env: Mapping[str, str], problems: list[str]) -> dict:
    event = env.get("GITHUB_EVENT_NAME", "").strip()
    if event and event not in PR_EVENTS:
        problems.append(f"this workflow ran on `{event}`: readiness reviews pull requests, run it "
                        f"`on: pull_request`")
        return {}
    path = env.get("GITHUB_EVENT_PATH", "").strip()
    if not path:
        problems.append("GITHUB_EVENT_PATH is not set (not running in GitHub Actions?)")
        return {}
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(f"GITHUB_EVENT_PATH {path}: cannot read the event payload ({exc})")
        return {}
    pr = payload.get("pull_request") if isinstance(payload, dict) else None
    if not isinstance(pr, dict) or not isinstance(pr.get("number"), int) \
            or not (pr.get("head") or {}).get("sha") or not ((pr.get("base") or {}).get("ref")):
        problems.append("the event payload has no pull request (number, head sha, base ref): "
                        "run readiness `on: pull_request`")
        return {}
    return pr


cannot_write = refused(GitHubError)  # 403 on a write: a fork's pull request, or missing permissions


class ReadOnlyGitHubForge(PublishesNothing, GitHubForge):
    """Reads like GitHubForge (files, base config, the previous summary), publishes nothing."""


async def run(ctx: ActionContext, *, fail_on=UNSET, scope: str | None = None,
              policy: HttpPolicy | None = None, coverage: Sequence[str] = ()) -> Outcome:
    app = GitHubApp.with_token(ctx.token, api_url=ctx.api_url, policy=policy)
    job = ctx.job()
    try:
        return await review_and_publish(GitHubForge(app, job), job, read_only=lambda: ReadOnlyGitHubForge(app, job),
                                        forbidden=cannot_write, fail_on=fail_on, scope=scope,
                                        coverage=coverage)
    finally:
        await app.close()
