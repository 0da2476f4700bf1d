"""GitLab webhook events to queue tasks: a pure decision per (event, payload), no I/O."""
from __future__ import annotations

import re

from bot.ci_results.model import REFRESH_PREFIX
from bot.job import Job
from bot.service.events import Route, command, ignore
from bot.service.payload import ident, number, obj, text
from bot.service.queue import Task

MR_ACTIONS = {"open", "reopen", "update"}
_DRAFT_TITLE = re.compile(r"^\s*(\[draft\]|\(draft\)|draft:|draft\s+-|wip:|\[wip\])", re.I)


def is_draft_title(title: str | None) -> bool:
    return bool(_DRAFT_TITLE.match(title or ""))


def route(event: str, payload: dict, delivery_id: str) -> Route:
    """What to do with one delivery; raises PayloadError (a 400) when a handled event is malformed."""
    if event == "Merge Request Hook":
        return _merge_request(payload, delivery_id)
    if event == "Note Hook":
        return _note(payload, delivery_id)
    if event == "Pipeline Hook":
        return _pipeline(payload, delivery_id)
    return ignore(f"event {event!r} is not handled")


def _became_ready(changes: dict) -> bool:
    """draft -> ready: `changes.draft` (or the older `work_in_progress`), or the Draft: prefix removed."""
    for key in ("draft", "work_in_progress"):
        change = changes.get(key) or {}
        if change.get("previous") is True and change.get("current") is False:
            return True
    title = changes.get("title") or {}
    return is_draft_title(title.get("previous")) and not is_draft_title(title.get("current"))


def _project(payload: dict) -> tuple[int, str]:
    project_id = ident(payload, "project.id")
    return project_id, text(payload, "project.path_with_namespace", default="") or str(project_id)


def _merge_request(payload: dict, delivery_id: str) -> Route:
    mr = obj(payload, "object_attributes")
    action = text(payload, "object_attributes.action", default="")
    if action not in MR_ACTIONS:
        return ignore(f"merge_request.{action} needs no review")
    if action == "update":
        if mr.get("oldrev"):
            action = "push"
        elif _became_ready(payload.get("changes") or {}):
            action = "ready"
        else:
            return ignore("merge_request.update without new commits or draft -> ready")
    if mr.get("state") != "opened":
        return ignore("merge request is not open")
    project_id, repo = _project(payload)
    title = text(payload, "object_attributes.title", default="")
    draft = bool(mr.get("draft") or mr.get("work_in_progress") or is_draft_title(title))
    job = Job(forge="gitlab", repo=repo, project_id=project_id, number=number(payload, "object_attributes.iid"),
              head_sha=text(payload, "object_attributes.last_commit.id", default=""),
              base_ref=text(payload, "object_attributes.target_branch", default=""), delivery_id=delivery_id,
              event=f"merge_request.{action}", requested_by=text(payload, "user.username", default=""), draft=draft)
    if not job.head_sha:
        return ignore("merge request without a last commit")
    return Route(202, "review queued", Task(job=job, kind="review"))


def _note(payload: dict, delivery_id: str) -> Route:
    note = obj(payload, "object_attributes")
    if note.get("noteable_type") != "MergeRequest" or not payload.get("merge_request"):
        return ignore("comment on something other than a merge request")
    if note.get("system"):
        return ignore("system note")
    if note.get("action") not in (None, "create"):
        return ignore("only new comments carry commands")
    kind = command(text(payload, "object_attributes.note", default=""))
    if kind is None:
        return ignore("no /readiness command")
    mr = obj(payload, "merge_request")
    if mr.get("state") != "opened":
        return ignore("merge request is not open")
    project_id, repo = _project(payload)
    user = text(payload, "user.username", default="")
    by_author = note.get("author_id") is not None and note.get("author_id") == mr.get("author_id")
    job = Job(forge="gitlab", repo=repo, project_id=project_id, number=number(payload, "merge_request.iid"),
              head_sha="", base_ref=text(payload, "merge_request.target_branch", default=""), delivery_id=delivery_id,
              event=f"note.{kind}", forced=kind == "recheck", requested_by=user)
    # the Note Hook names the MR author by id only: pass the requester as author when they are the same
    note_id = ident(payload, "object_attributes.id", optional=True)
    return Route(202, f"{kind} queued", Task(job=job, kind=kind, comment_id=note_id, author=user if by_author else ""))


PIPELINE_DONE = {"success", "failed", "canceled"}
OWN_JOB = "readiness"  # the job of deploy/gitlab-ci/readiness.yml, and the bot's commit status


def _pipeline(payload: dict, delivery_id: str) -> Route:
    """A merge request pipeline finished: refresh the Build & CI section of the summary."""
    pipeline = payload.get("object_attributes") or {}
    mr = payload.get("merge_request") or {}
    if pipeline.get("status") not in PIPELINE_DONE:
        return ignore(f"pipeline {pipeline.get('status')}: refreshed when it finishes")
    if not mr.get("iid"):
        return ignore("pipeline of no merge request")
    builds = payload.get("builds") or []
    if pipeline.get("source") == "external" or (builds and all(b.get("name") == OWN_JOB for b in builds)):
        return ignore("the pipeline of our own commit status")
    if mr.get("state", "opened") != "opened":
        return ignore("merge request is not open")
    project_id, repo = _project(payload)
    job = Job(forge="gitlab", repo=repo, project_id=project_id, number=int(mr["iid"]),
              head_sha=pipeline.get("sha", ""), base_ref=mr.get("target_branch", ""), delivery_id=delivery_id,
              event=f"{REFRESH_PREFIX}pipeline.{pipeline['status']}")
    return Route(202, "CI results refresh queued", Task(job=job, kind="refresh"))
