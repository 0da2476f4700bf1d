"""POST /webhooks/gitlab: check the secret token, parse, durably enqueue, answer fast (never the review)."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging

from aiohttp import web

from bot.service.gitlab_events import route

log = logging.getLogger(__name__)
_OUTCOME = "readiness_delivery_outcome"  # request key: an outcome the status alone does not tell


def _answer(status: int, message: str) -> web.Response:
    if status == 204:
        return web.Response(status=204)
    return web.json_response({"message": message}, status=status)


def token_ok(secret: bytes, header: str | None) -> bool:
    """Constant-time comparison of `X-Gitlab-Token`; never accepts an empty secret."""
    if not secret or not header:
        return False
    return hmac.compare_digest(secret, header.encode())


async def gitlab_webhook(request: web.Request) -> web.Response:
    from bot.service.app import RUNTIME

    rt = request.app[RUNTIME]
    event = request.headers.get("X-Gitlab-Event", "")
    response = await _handle(request, rt, event)
    rt.metrics.webhooks.labels(f"gitlab:{event or '-'}", str(response.status)).inc()
    rt.metrics.delivery("gitlab", event, response.status, request.get(_OUTCOME))
    return response


async def _read(request: web.Request, limit: int) -> bytes | None:
    if request.content_length is not None and request.content_length > limit:
        return None
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return None
    return body if len(body) <= limit else None


async def _handle(request: web.Request, rt, event: str) -> web.Response:
    limit = rt.settings.max_body
    body = await _read(request, limit)
    if body is None:
        return _answer(413, f"payload over {limit} bytes")
    if not token_ok(rt.settings.gitlab.webhook_secret, request.headers.get("X-Gitlab-Token")):
        log.warning("gitlab webhook with a missing or wrong X-Gitlab-Token from %s", request.remote)
        return _answer(401, "missing or invalid X-Gitlab-Token")
    if not event:
        return _answer(400, "missing X-Gitlab-Event header")
    try:
        payload = json.loads(body)
    except ValueError:
        return _answer(400, "body is not JSON")
    if not isinstance(payload, dict):
        return _answer(400, "body is not a JSON object")
    uuid = request.headers.get("X-Gitlab-Event-UUID", "").strip()
    delivery = f"gitlab:{uuid}" if uuid else f"gitlab-body:{hashlib.sha256(body).hexdigest()}"
    try:
        decision = route(event, payload, delivery)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return _answer(400, f"{event} payload lacks a field the bot needs: {exc!r}")
    if decision.task is None:
        log.debug("gitlab delivery %s (%s): %s", delivery, event, decision.reason)
        return _answer(decision.status, decision.reason)
    try:
        added = await rt.queue.enqueue(decision.task)
    except Exception:  # not durable: do not claim 202; GitLab shows the failure and can resend it
        log.exception("gitlab delivery %s could not be queued", delivery)
        return _answer(503, "queue unavailable, delivery not stored")
    if not added:
        request[_OUTCOME] = "duplicate"
        return _answer(200, "delivery already received")
    log.info("gitlab delivery %s (%s): %s for %s", delivery, event, decision.reason, decision.task.job.key)
    return _answer(202, decision.reason)
