"""Webhook events to queue tasks: a pure decision per (event, payload), no I/O."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.ci_results.model import REFRESH_PREFIX
from bot.job import Job
from bot.service.payload import PayloadError, ident, number, obj, text
from bot.service.queue import Task

PR_ACTIONS = {"opened", "synchronize", "reopened", "ready_for_review"}
CHECK_NAME = "readiness"
_COMMAND = re.compile(r"^\s*/readiness\s+(\w+)", re.I)
# The objects every delivery of a handled event carries: without them it is malformed, not ignorable.
_REQUIRED = {"pull_request": ("pull_request", "repository"), "issue_comment": ("issue", "comment", "repository"),
             "check_run": ("check_run", "repository"), "check_suite": ("check_suite", "repository")}


@dataclass(frozen=True)
class Route:
    status: int  # HTTP answer: 202 queued, 200 handled, 204 nothing to do
    reason: str
    task: Task | None = None


def ignore(reason: str) -> Route:
    return Route(204, reason)


def command(text: str | None) -> str | None:
    """The slash command a comment starts with: "recheck", "help" (also for unknown words), or None."""
    match = _COMMAND.match(text or "")
    if not match:
        return None
    return "recheck" if match.group(1).lower() == "recheck" else "help"


def route(event: str, payload: dict, delivery_id: str, own_app_id: int | None = None) -> Route:
    """What to do with one delivery; raises PayloadError (a 400) when a handled event is malformed.
    `own_app_id`: this App's id, so that its own check suite completing does not refresh itself."""
    if event in _REQUIRED:
        text(payload, "action")
        for name in _REQUIRED[event]:
            obj(payload, name)
    action = payload.get("action", "")
    if event == "ping":
        return Route(200, "pong")
    if event in ("installation", "installation_repositories"):
        account = text(payload, "installation.account.login", default="?")
        return Route(200, f"{event}.{action} for {account} logged")
    if event == "pull_request":
        return _pull_request(payload, delivery_id)
    if event == "issue_comment":
        return _issue_comment(payload, delivery_id)
    if event == "check_suite" and action == "completed":
        return _ci_finished(payload, delivery_id, own_app_id)
    if event in ("check_run", "check_suite"):
        return _rerequested(event, payload, delivery_id)
    if event == "status":
        return ignore("a commit status names no pull request: statuses are read at the next review or refresh")
    return ignore(f"event {event} is not handled")


def _base(payload: dict, delivery_id: str, event: str) -> dict:
    repo = text(payload, "repository.full_name")
    if repo.count("/") != 1 or not all(repo.split("/")):
        raise PayloadError("repository.full_name must be owner/name")
    return {"forge": "github", "repo": repo, "installation_id": ident(payload, "installation.id", optional=True),
            "delivery_id": delivery_id, "event": event, "requested_by": text(payload, "sender.login", default="")}


def _pull_request(payload: dict, delivery_id: str) -> Route:
    action = payload.get("action", "")
    pr = payload.get("pull_request") or {}
    if action not in PR_ACTIONS:
        return ignore(f"pull_request.{action} needs no review")
    if pr.get("state") != "open":
        return ignore("pull request is closed")
    job = Job(number=number(payload, "pull_request.number"), head_sha=text(payload, "pull_request.head.sha"),
              base_ref=text(payload, "pull_request.base.ref"),
              base_sha=text(payload, "pull_request.base.sha", default=""), draft=bool(pr.get("draft")),
              **_base(payload, delivery_id, f"pull_request.{action}"))
    if job.installation_id is None:
        return ignore("no installation in the payload")
    return Route(202, "review queued", Task(job=job, kind="review", author=text(payload, "pull_request.user.login")))


def _issue_comment(payload: dict, delivery_id: str) -> Route:
    if payload.get("action") != "created":
        return ignore("only new comments carry commands")
    issue = payload["issue"]
    if not issue.get("pull_request"):
        return ignore("comment on an issue, not a pull request")
    user = obj(payload, "comment.user", optional=True)
    login = text(payload, "comment.user.login", default="")
    if user.get("type") == "Bot" or login.endswith("[bot]"):
        return ignore("comment by a bot")
    kind = command(text(payload, "comment.body", default=""))
    if kind is None:
        return ignore("no /readiness command")
    if issue.get("state", "open") != "open":
        return ignore("pull request is closed")
    job = Job(number=number(payload, "issue.number"), head_sha="", forced=kind == "recheck",
              **{**_base(payload, delivery_id, f"issue_comment.{kind}"),
                 "requested_by": login})
    if job.installation_id is None:
        return ignore("no installation in the payload")
    author = text(payload, "issue.user.login", default="")
    return Route(202, f"{kind} queued", Task(job=job, kind=kind, comment_id=ident(payload, "comment.id", optional=True),
                                             author=author))


def _rerequested(event: str, payload: dict, delivery_id: str) -> Route:
    if payload.get("action") != "rerequested":
        return ignore(f"{event}.{payload.get('action')} needs nothing")
    check = payload[event]
    if event == "check_run" and check.get("name") != CHECK_NAME:
        return ignore("the check run is not ours")
    prs = check.get("pull_requests") or obj(check, "check_suite", optional=True).get("pull_requests") or []
    if not prs:
        return ignore("no pull request attached to the check")
    if not isinstance(prs, list) or not isinstance(prs[0], dict):
        raise PayloadError(f"{event}.pull_requests must be a list of objects")
    try:
        pr_number = number(prs[0], "number")
    except PayloadError as exc:
        raise PayloadError(f"{event}.pull_requests[0].{exc}") from None
    job = Job(number=pr_number, head_sha="", forced=True,
              **_base(payload, delivery_id, f"{event}.rerequested"))
    if job.installation_id is None:
        return ignore("no installation in the payload")
    return Route(202, "re-run queued", Task(job=job, kind="rerun"))


def _ci_finished(payload: dict, delivery_id: str, own_app_id: int | None) -> Route:
    """Another app's check suite finished on a pull request's head: refresh the Build & CI section
    (one suite per app and commit, so a few refreshes per push, never one per job)."""
    suite = payload.get("check_suite") or {}
    app_id = (suite.get("app") or {}).get("id")
    if own_app_id is not None and app_id == own_app_id:
        return ignore("our own check suite")
    prs = suite.get("pull_requests") or []
    if not prs:  # GitHub lists no pull request for a fork's commits
        return ignore("no pull request attached to the check suite")
    pr = prs[0]
    job = Job(number=int(pr["number"]), head_sha=suite.get("head_sha") or pr["head"]["sha"],
              base_ref=pr["base"]["ref"], base_sha=pr["base"].get("sha", ""),
              **_base(payload, delivery_id, f"{REFRESH_PREFIX}check_suite.completed"))
    if job.installation_id is None:
        return ignore("no installation in the payload")
    return Route(202, "CI results refresh queued", Task(job=job, kind="refresh"))
