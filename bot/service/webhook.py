"""POST /webhooks/github: verify, parse, durably enqueue, answer (never waits for the review)."""
from __future__ import annotations

import json
import logging

from aiohttp import web

from bot.service.events import route
from bot.service.logs import log_context
from bot.service.signature import verify

log = logging.getLogger(__name__)
_OUTCOME = "readiness_delivery_outcome"  # request key: an outcome the status alone does not tell


def _answer(status: int, message: str) -> web.Response:
    if status == 204:
        return web.Response(status=204)
    return web.json_response({"message": message}, status=status)


async def github_webhook(request: web.Request) -> web.Response:
    from bot.service.app import RUNTIME

    rt = request.app[RUNTIME]
    metrics = rt.metrics
    event = request.headers.get("X-GitHub-Event", "")
    with log_context(delivery_id=request.headers.get("X-GitHub-Delivery", ""), forge="github"):
        response = await _handle(request, rt, event)
    metrics.webhooks.labels(event or "-", str(response.status)).inc()
    metrics.delivery("github", event, response.status, request.get(_OUTCOME))
    return response


async def _handle(request: web.Request, rt, event: str) -> web.Response:
    limit = rt.settings.max_body
    if request.content_length is not None and request.content_length > limit:
        return _answer(413, f"payload over {limit} bytes")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _answer(413, f"payload over {limit} bytes")
    if len(body) > limit:
        return _answer(413, f"payload over {limit} bytes")
    if not verify(rt.settings.webhook_secret, body, request.headers.get("X-Hub-Signature-256")):
        log.warning("webhook with a missing or wrong signature from %s", request.remote)
        return _answer(401, "missing or invalid X-Hub-Signature-256")
    delivery = request.headers.get("X-GitHub-Delivery", "")
    if not event or not delivery:
        return _answer(400, "missing X-GitHub-Event or X-GitHub-Delivery header")
    if request.content_type != "application/json":
        return _answer(415, f"Content-Type must be application/json, not {request.content_type or 'none'!r} "
                            f"(set the App's webhook content type to application/json)")
    try:
        payload = json.loads(body)
    except ValueError:
        return _answer(400, "body is not JSON")
    if not isinstance(payload, dict):
        return _answer(400, "body is not a JSON object")
    try:
        decision = route(event, payload, delivery)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        return _answer(400, f"{event} payload lacks a field the bot needs, or it has the wrong type: {exc!r}")
    problem = _shape_problem(decision.task)
    if problem:
        return _answer(400, f"{event} payload: {problem}")
    if event in ("installation", "installation_repositories"):
        account = ((payload.get("installation") or {}).get("account") or {}).get("login", "?")
        log.info("github %s.%s for %s (delivery %s)", event, payload.get("action"), account, delivery)
    if decision.task is None:
        log.debug("delivery %s (%s): %s", delivery, event, decision.reason)
        return _answer(decision.status, decision.reason)
    if not await rt.queue.enqueue(decision.task):
        request[_OUTCOME] = "duplicate"
        return _answer(200, "delivery already received")
    log.info("delivery %s (%s): %s for %s", delivery, event, decision.reason, decision.task.job.key)
    return _answer(202, decision.reason)


def _shape_problem(task) -> str:
    """What is wrongly typed in a routed task (random or hostile JSON), or "" when it can be queued."""
    if task is None:
        return ""
    job = task.job
    checks = [("repository.full_name", job.repo, str), ("head sha", job.head_sha, str),
              ("base ref", job.base_ref, str), ("base sha", job.base_sha, str), ("sender", job.requested_by, str),
              ("author", task.author, str)]
    for name, value, kind in checks:
        if not isinstance(value, kind):
            return f"{name} must be a {kind.__name__}"
    if not isinstance(job.installation_id, int) or isinstance(job.installation_id, bool):
        return "installation.id must be a number"
    if task.comment_id is not None and (not isinstance(task.comment_id, int) or isinstance(task.comment_id, bool)):
        return "comment.id must be a number"
    if "/" not in job.repo or job.number < 1:
        return "repository.full_name must be owner/name and the number positive"
    return ""
