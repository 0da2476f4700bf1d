"""Finding fingerprints that survive line shifts: rule, path, normalized flagged text, occurrence."""
from __future__ import annotations

import hashlib
import re

_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    return _WS.sub(" ", text).strip()


def fingerprint(rule: str, path: str, flagged_text: str, occurrence: int) -> str:
    data = "\x1f".join((rule, path, normalize(flagged_text), str(occurrence)))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:20]


def identity(rule: str, path: str, flagged_text: str) -> str:
    """What identical findings share (the fingerprint without its occurrence index)."""
    data = "\x1f".join((rule, path, normalize(flagged_text)))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:20]
