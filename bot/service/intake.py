"""What both webhook endpoints share: a bounded body read, short JSON answers, durable enqueueing."""
from __future__ import annotations

import json
import logging

from aiohttp import web

from bot.service.events import Route

log = logging.getLogger(__name__)
# Request key for an outcome the status alone does not tell (typed keys exist from aiohttp 3.12 on).
OUTCOME = (web.RequestKey("readiness_delivery_outcome", str) if hasattr(web, "RequestKey")
           else "readiness_delivery_outcome")


def answer(status: int, message: str) -> web.Response:
    if status == 204:
        return web.Response(status=204)
    return web.json_response({"message": message}, status=status)


def reject(delivery: str, event: str, forge: str, reason: str) -> web.Response:
    """400 for a signed delivery the bot cannot use, with one log line naming it."""
    log.warning("%s delivery %s (%s) rejected: %s", forge, delivery or "-", event, reason)
    return answer(400, f"{event} payload: {reason}")


async def read_body(request: web.Request, limit: int) -> bytes | None:
    """The request body, or None when it is over `limit` bytes (declared or actual)."""
    if request.content_length is not None and request.content_length > limit:
        return None
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return None
    return body if len(body) <= limit else None


def parse_object(body: bytes) -> dict | str:
    """The body as a JSON object, or the reason it is not one (for a 400)."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser goes
        return "body is not JSON"
    return payload if isinstance(payload, dict) else "body is not a JSON object"


async def enqueue(request: web.Request, queue, decision: Route, delivery: str, event: str,
                  forge: str) -> web.Response:
    """202 once the task is durably queued, 200 for a redelivery, 503 when the queue is down (the
    delivery was not stored: say so rather than claim it, so the forge shows the failure)."""
    try:
        added = await queue.enqueue(decision.task)
    except Exception:
        log.exception("%s delivery %s could not be queued", forge, delivery)
        return answer(503, "queue unavailable, delivery not stored")
    if not added:
        request[OUTCOME] = "duplicate"
        return answer(200, "delivery already received")
    log.info("%s delivery %s (%s): %s for %s", forge, delivery, event, decision.reason, decision.task.job.key)
    return answer(202, decision.reason)
