"""POST /webhooks/github: verify, parse, durably enqueue, answer (never waits for the review)."""
from __future__ import annotations

import logging

from aiohttp import web

from bot.service.events import route
from bot.service.intake import OUTCOME, answer, enqueue, parse_object, read_body, reject
from bot.service.logs import log_context
from bot.service.payload import PayloadError
from bot.service.runtime import RUNTIME
from bot.service.signature import verify

log = logging.getLogger(__name__)


async def github_webhook(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    metrics = rt.metrics
    event = request.headers.get("X-GitHub-Event", "")
    with log_context(delivery_id=request.headers.get("X-GitHub-Delivery", ""), forge="github"):
        response = await _handle(request, rt, event)
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
    except PayloadError as exc:
        return reject(delivery, event, "github", str(exc))
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        return reject(delivery, event, "github", "a field the bot needs is missing or has the wrong type")
    if event in ("installation", "installation_repositories"):
        log.info("github %s (delivery %s)", decision.reason, delivery)
    if decision.task is None:
        log.debug("delivery %s (%s): %s", delivery, event, decision.reason)
        return answer(decision.status, decision.reason)
    return await enqueue(request, rt.queue, decision, delivery, event, "github")

