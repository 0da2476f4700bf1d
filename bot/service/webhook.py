"""POST /webhooks/github: verify, parse, durably enqueue, answer (never waits for the review)."""
from __future__ import annotations

import logging

from aiohttp import web

from bot.service.events import route
from bot.service.intake import OUTCOME, answer, enqueue, parse_object, read_body
from bot.service.logs import log_context
from bot.service.signature import verify

log = logging.getLogger(__name__)


async def github_webhook(request: web.Request) -> web.Response:
    from bot.service.app import RUNTIME

    rt = request.app[RUNTIME]
    metrics = rt.metrics
    event = request.headers.get("X-GitHub-Event", "")
    with log_context(delivery_id=request.headers.get("X-GitHub-Delivery", ""), forge="github"):
        response = await _handle(request, rt, event)
    metrics.webhooks.labels(event or "-", str(response.status)).inc()
    metrics.delivery("github", event, response.status, request.get(OUTCOME))
    return response


async def _handle(request: web.Request, rt, event: str) -> web.Response:
    limit = rt.settings.max_body
    body = await read_body(request, limit)
    if body is None:
        return answer(413, f"payload over {limit} bytes")
    if not verify(rt.settings.webhook_secret, body, request.headers.get("X-Hub-Signature-256")):
        log.warning("webhook with a missing or wrong signature from %s", request.remote)
        return answer(401, "missing or invalid X-Hub-Signature-256")
    delivery = request.headers.get("X-GitHub-Delivery", "")
    if not event or not delivery:
        return answer(400, "missing X-GitHub-Event or X-GitHub-Delivery header")
    if request.content_type != "application/json":
        return answer(415, f"Content-Type must be application/json, not {request.content_type or 'none'!r} "
                            f"(set the App's webhook content type to application/json)")
    payload = parse_object(body)
    if isinstance(payload, str):
        return answer(400, payload)
    try:
        decision = route(event, payload, delivery, own_app_id=rt.settings.app_id or None)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        return answer(400, f"{event} payload lacks a field the bot needs, or it has the wrong type: {exc!r}")
    problem = _shape_problem(decision.task)
    if problem:
        return answer(400, f"{event} payload: {problem}")
    if event in ("installation", "installation_repositories"):
        account = ((payload.get("installation") or {}).get("account") or {}).get("login", "?")
        log.info("github %s.%s for %s (delivery %s)", event, payload.get("action"), account, delivery)
    if decision.task is None:
        log.debug("delivery %s (%s): %s", delivery, event, decision.reason)
        return answer(decision.status, decision.reason)
    return await enqueue(request, rt.queue, decision, delivery, event, "github")


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
