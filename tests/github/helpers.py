"""Webhook deliveries for the tests: real GitHub payloads adjusted to the fake's data, signed like GitHub."""
from __future__ import annotations

import json
import uuid

from bot.service.signature import sign
from tests.github import contract
from tests.github.fake_state import PullRequest

REPO = "Codertocat/Hello-World"  # the repository of the published payload examples
INSTALLATION = 1
SECRET = b"It's a Secret to Everybody"

ROOT_DOCKERFILE = 'FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "/app/main.py"]\n'
SAFE_DOCKERFILE = ('FROM python:3.12-slim\nCOPY . /app\nRUN useradd -u 10001 app\nUSER app\n'
                   'CMD ["python", "/app/main.py"]\n')


def pr_payload(action: str, pr: PullRequest) -> dict:
    name = {"opened": "pull_request.opened", "synchronize": "pull_request.synchronize",
            "reopened": "pull_request.reopened", "ready_for_review": "pull_request.ready_for_review",
            "converted_to_draft": "pull_request.converted_to_draft"}.get(action, "pull_request.opened")
    payload = contract.webhook(name)
    payload["action"] = action
    p = payload["pull_request"]
    p.update(number=pr.number, draft=pr.draft, state=pr.state)
    p["head"]["sha"] = pr.head_sha
    p["base"].update(sha=pr.base_sha, ref=pr.base_ref)
    p["user"]["login"] = pr.author
    payload["number"] = pr.number
    payload["installation"] = {"id": INSTALLATION, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ=="}
    return payload


def comment_payload(body: str, user: str, pr: PullRequest, *, comment_id: int = 5001,
                    bot: bool = False) -> dict:
    """The real koishi delivery (a comment on a PR), moved to the fake repository, plus `installation`."""
    payload = contract.webhook("issue_comment.created.by-bot" if bot else "issue_comment.created")
    repo = contract.webhook("pull_request.opened")["repository"]
    payload["repository"] = repo
    payload["issue"].update(number=pr.number, state=pr.state)
    payload["issue"]["user"]["login"] = pr.author
    payload["comment"].update(body=body, id=comment_id)
    if not bot:
        payload["comment"]["user"]["login"] = user
        payload["sender"]["login"] = user
    payload["installation"] = {"id": INSTALLATION}
    return payload


def rerun_payload(pr: PullRequest, name: str = "readiness") -> dict:
    payload = contract.webhook("check_run.rerequested")
    payload["repository"] = contract.webhook("pull_request.opened")["repository"]
    run = payload["check_run"]
    run["name"] = name
    run["head_sha"] = pr.head_sha
    run["pull_requests"] = [{"id": 1, "number": pr.number, "url": "",
                             "head": {"sha": pr.head_sha, "ref": "pr", "repo": {"id": 1, "url": "", "name": "x"}},
                             "base": {"sha": pr.base_sha, "ref": pr.base_ref,
                                      "repo": {"id": 1, "url": "", "name": "x"}}}]
    payload["installation"] = {"id": INSTALLATION}
    return payload


def suite_rerequested_payload(pr: PullRequest) -> dict:
    """`check_suite.rerequested` (no published example): the `check_run.rerequested` example's repository,
    installation and sender around its own `check_suite` object, moved to the fake's pull request."""
    run = contract.webhook("check_run.rerequested")
    suite = dict(run["check_run"]["check_suite"])
    suite.update(head_sha=pr.head_sha, head_branch="pr", status="completed", conclusion="failure",
                 pull_requests=rerun_payload(pr)["check_run"]["pull_requests"])
    return {"action": "rerequested", "check_suite": suite,
            "repository": contract.webhook("pull_request.opened")["repository"],
            "sender": run["sender"], "installation": {"id": INSTALLATION}}


def delivery_headers(event: str, body: bytes, *, secret: bytes | None = SECRET, delivery: str | None = None,
                     signature: str | None = None) -> dict:
    headers = {"X-GitHub-Event": event, "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
               "Content-Type": "application/json", "User-Agent": "GitHub-Hookshot/test"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    elif secret is not None:
        headers["X-Hub-Signature-256"] = sign(secret, body)
    return headers


def encode(payload: dict) -> bytes:
    return json.dumps(payload).encode()
