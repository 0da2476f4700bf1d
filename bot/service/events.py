"""Webhook events to queue tasks: a pure decision per (event, payload), no I/O."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.ci_results.model import REFRESH_PREFIX
from bot.job import Job
from bot.service.queue import Task

PR_ACTIONS = {"opened", "synchronize", "reopened", "ready_for_review"}
CHECK_NAME = "readiness"
_COMMAND = re.compile(r"^\s*/readiness\s+(\w+)", re.I)


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
    """`own_app_id`: this App's id, so that its own check suite completing does not refresh itself."""
    action = payload.get("action", "")
    if event == "ping":
        return Route(200, "pong")
    if event in ("installation", "installation_repositories"):
        return Route(200, f"{event}.{action} logged")
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
    return {"forge": "github", "repo": payload["repository"]["full_name"],
            "installation_id": (payload.get("installation") or {}).get("id"), "delivery_id": delivery_id,
            "event": event, "requested_by": (payload.get("sender") or {}).get("login", "")}


def _pull_request(payload: dict, delivery_id: str) -> Route:
    action = payload.get("action", "")
    pr = payload.get("pull_request") or {}
    if action not in PR_ACTIONS:
        return ignore(f"pull_request.{action} needs no review")
    if pr.get("state") != "open":
        return ignore("pull request is closed")
    job = Job(number=int(pr["number"]), head_sha=pr["head"]["sha"], base_ref=pr["base"]["ref"],
              base_sha=pr["base"].get("sha", ""), draft=bool(pr.get("draft")),
              **_base(payload, delivery_id, f"pull_request.{action}"))
    if job.installation_id is None:
        return ignore("no installation in the payload")
    return Route(202, "review queued", Task(job=job, kind="review", author=pr["user"]["login"]))


def _issue_comment(payload: dict, delivery_id: str) -> Route:
    if payload.get("action") != "created":
        return ignore("only new comments carry commands")
    issue, comment = payload.get("issue") or {}, payload.get("comment") or {}
    if not issue.get("pull_request"):
        return ignore("comment on an issue, not a pull request")
    user = comment.get("user") or {}
    if user.get("type") == "Bot" or user.get("login", "").endswith("[bot]"):
        return ignore("comment by a bot")
    kind = command(comment.get("body"))
    if kind is None:
        return ignore("no /readiness command")
    if issue.get("state", "open") != "open":
        return ignore("pull request is closed")
    job = Job(number=int(issue["number"]), head_sha="", forced=kind == "recheck",
              **{**_base(payload, delivery_id, f"issue_comment.{kind}"), "requested_by": user.get("login", "")})
    if job.installation_id is None:
        return ignore("no installation in the payload")
    return Route(202, f"{kind} queued", Task(job=job, kind=kind, comment_id=comment.get("id"),
                                             author=(issue.get("user") or {}).get("login", "")))


def _rerequested(event: str, payload: dict, delivery_id: str) -> Route:
    if payload.get("action") != "rerequested":
        return ignore(f"{event}.{payload.get('action')} needs nothing")
    obj = payload.get(event) or {}
    if event == "check_run" and obj.get("name") != CHECK_NAME:
        return ignore(f"check run {obj.get('name')!r} is not ours")
    prs = obj.get("pull_requests") or (obj.get("check_suite") or {}).get("pull_requests") or []
    if not prs:
        return ignore("no pull request attached to the check")
    job = Job(number=int(prs[0]["number"]), head_sha="", forced=True,
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
