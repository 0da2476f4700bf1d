"""POST /webhooks/gitlab: check the secret token, parse, durably enqueue, answer fast (never the review)."""
from __future__ import annotations

import hashlib
import hmac
import logging

from aiohttp import web

from bot.service.gitlab_events import route
from bot.service.intake import OUTCOME, answer, enqueue, parse_object, read_body, reject
from bot.service.payload import PayloadError
from bot.service.runtime import RUNTIME

log = logging.getLogger(__name__)


def token_ok(secret: bytes, header: str | None) -> bool:
    """Constant-time comparison of `X-Gitlab-Token`; never accepts an empty secret."""
    if not secret or not header:
        return False
    return hmac.compare_digest(secret, header.encode())


async def gitlab_webhook(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    event = request.headers.get("X-Gitlab-Event", "")
    response = await _handle(request, rt, event)
    rt.metrics.delivery("gitlab", event, response.status, request.get(OUTCOME))
    return response


async def _handle(request: web.Request, rt, event: str) -> web.Response:
    limit = rt.settings.max_body
    body = await read_body(request, limit)
    if body is None:
        return answer(413, f"payload over {limit} bytes")
    if not token_ok(rt.settings.gitlab.webhook_secret, request.headers.get("X-Gitlab-Token")):
        log.warning("gitlab webhook with a missing or wrong X-Gitlab-Token from %s", request.remote)
        return answer(401, "missing or invalid X-Gitlab-Token")
    if not event:
        return answer(400, "missing X-Gitlab-Event header")
    payload = parse_object(body)
    if isinstance(payload, str):
        return answer(400, payload)
    uuid = request.headers.get("X-Gitlab-Event-UUID", "").strip()
    delivery = f"gitlab:{uuid}" if uuid else f"gitlab-body:{hashlib.sha256(body).hexdigest()}"
    try:
        decision = route(event, payload, delivery)
    except PayloadError as exc:
        return reject(delivery, event, "gitlab", str(exc))
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        return reject(delivery, event, "gitlab", "a field the bot needs is missing or has the wrong type")
    if decision.task is None:
        log.debug("gitlab delivery %s (%s): %s", delivery, event, decision.reason)
        return answer(decision.status, decision.reason)
    return await enqueue(request, rt.queue, decision, delivery, event, "gitlab")
