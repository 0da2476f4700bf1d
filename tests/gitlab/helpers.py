"""GitLab webhook deliveries for the tests: real gitlab.com payloads moved onto the fake's data."""
from __future__ import annotations

import json
import uuid

from tests.gitlab import contract
from tests.gitlab.fakegitlab import MergeRequest

SECRET = "gl-webhook-secret"
ROOT_DOCKERFILE = 'FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "/app/main.py"]\n'
SAFE_DOCKERFILE = ('FROM python:3.12-slim\nCOPY . /app\nRUN useradd -u 10001 app\nUSER app\n'
                   'CMD ["python", "/app/main.py"]\n')
_MR_FIXTURE = {"open": "merge_request.open.gitlab-com", "reopen": "merge_request.open.gitlab-com",
               "update": "merge_request.update", "ready": "merge_request.update.mark-as-ready"}


def _project(payload: dict, mr: MergeRequest) -> None:
    payload["project"].update(id=mr.project.id, path_with_namespace=mr.project.path)


def mr_payload(action: str, mr: MergeRequest, *, oldrev: str | None = None) -> dict:
    """`open`, `reopen`, `update` (a push when `oldrev` is given) or `ready` (the Draft: prefix removed)."""
    payload = contract.webhook(_MR_FIXTURE[action])
    _project(payload, mr)
    oa = payload["object_attributes"]
    oa.update(iid=mr.iid, state=mr.state, target_branch=mr.target_branch, author_id=mr.author["id"],
              action="update" if action == "ready" else action, draft=mr.draft, work_in_progress=mr.draft,
              title=("Draft: " if mr.draft else "") + "Change things")
    oa["last_commit"]["id"] = mr.head_sha
    oa.pop("oldrev", None)
    if oldrev:
        oa["oldrev"] = oldrev
    return payload


def note_payload(text: str, mr: MergeRequest, *, username: str, user_id: int, note_id: int = 7001) -> dict:
    payload = contract.webhook("note.merge_request.gitlab-com")
    _project(payload, mr)
    payload["project_id"] = mr.project.id
    payload["user"].update(username=username, id=user_id)
    payload["object_attributes"].update(note=text, id=note_id, author_id=user_id, project_id=mr.project.id)
    payload["merge_request"].update(iid=mr.iid, author_id=mr.author["id"], state=mr.state,
                                    target_branch=mr.target_branch)
    payload["merge_request"]["last_commit"]["id"] = mr.head_sha
    return payload


def headers(event: str, *, token: str | None = SECRET, event_uuid: str | None = "") -> dict:
    out = {"X-Gitlab-Event": event, "Content-Type": "application/json", "User-Agent": "GitLab/17.0.0"}
    if token is not None:
        out["X-Gitlab-Token"] = token
    if event_uuid is not None:
        out["X-Gitlab-Event-UUID"] = event_uuid or str(uuid.uuid4())
    return out


def encode(payload: dict) -> bytes:
    return json.dumps(payload).encode()
