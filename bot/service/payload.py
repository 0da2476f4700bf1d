"""Typed reads of webhook payload fields; a wrong field is a `PayloadError` whose text is the 4xx reason."""
from __future__ import annotations

from typing import Any

# Pull/merge request numbers are 32-bit on both forges (GitHub GraphQL `Int`, GitLab's `iid` column);
# object ids (installations, comments, projects) are 64-bit.
MAX_NUMBER = 2**31 - 1
MAX_ID = 2**63 - 1
_MISSING = object()


class PayloadError(ValueError):
    """A signed delivery whose payload lacks a field the bot needs or has it in the wrong shape."""


def _get(payload: dict, path: str) -> Any:
    node: Any = payload
    walked = []
    for key in path.split("."):
        if node is _MISSING or node is None:
            return _MISSING  # an absent parent: the field is absent
        if not isinstance(node, dict):
            raise PayloadError(f"{'.'.join(walked)} must be an object")
        node = node.get(key, _MISSING)
        walked.append(key)
    return node


def obj(payload: dict, path: str, *, optional: bool = False) -> dict:
    value = _get(payload, path)
    if (value is _MISSING or value is None) and optional:
        return {}
    if value is _MISSING:
        raise PayloadError(f"{path} is missing")
    if not isinstance(value, dict):
        raise PayloadError(f"{path} must be an object")
    return value


def text(payload: dict, path: str, *, default: str | None = None) -> str:
    value = _get(payload, path)
    if (value is _MISSING or value is None) and default is not None:
        return default
    if value is _MISSING:
        raise PayloadError(f"{path} is missing")
    if not isinstance(value, str):
        raise PayloadError(f"{path} must be a string")
    return value


def number(payload: dict, path: str) -> int:
    """A pull/merge request number: a JSON integer from 1 to 2^31-1."""
    return _integer(payload, path, MAX_NUMBER)


def ident(payload: dict, path: str, *, optional: bool = False) -> int | None:
    """An object id: a JSON integer from 1 to 2^63-1 (None when optional and absent)."""
    if optional and _get(payload, path) in (_MISSING, None):
        return None
    return _integer(payload, path, MAX_ID)


def _integer(payload: dict, path: str, maximum: int) -> int:
    value = _get(payload, path)
    if value is _MISSING:
        raise PayloadError(f"{path} is missing")
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= maximum:
        raise PayloadError(f"{path} must be a whole number from 1 to {maximum}")
    return value
