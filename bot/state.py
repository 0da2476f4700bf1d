"""Review state kept on the forge itself: hidden, versioned markers in the bot's own comments."""
from __future__ import annotations

import base64
import json
import re
import zlib
from collections.abc import Sequence

from bot.models import Finding, PreviousFinding

SUMMARY_MARKER = "<!-- readiness:summary -->"
STATE_VERSION = 2  # v2: fingerprints of findings about a subject key on the subject
_STATE = re.compile(r"<!-- readiness:state v(\d+) ([A-Za-z0-9+/=_-]+) -->")
_FP = re.compile(r"<!-- readiness:fp ([0-9a-f]{8,64}) -->")
_FIELDS = ("fingerprint", "rule", "severity", "path", "line", "title", "number")


def encode_state(findings: Sequence[Finding]) -> str:
    """Compact marker with every finding of a review (compressed JSON rows, no source text)."""
    rows = [[f.fingerprint, f.rule, f.severity.name, f.path, f.line, f.title, f.number] for f in findings]
    raw = json.dumps({"f": rows}, separators=(",", ":")).encode()
    packed = base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode()
    return f"<!-- readiness:state v{STATE_VERSION} {packed} -->"


def decode_state(body: str | None) -> list[PreviousFinding] | None:
    """Findings stored in a summary comment; None when there is no readable state."""
    if not body:
        return None
    m = _STATE.search(body)
    if not m or int(m.group(1)) not in (1, STATE_VERSION):
        return None
    legacy = int(m.group(1)) < STATE_VERSION
    try:
        data = json.loads(zlib.decompress(base64.urlsafe_b64decode(m.group(2))))
        return [PreviousFinding(**dict(zip(_FIELDS, row, strict=True)), legacy=legacy) for row in data["f"]]
    except (ValueError, KeyError, TypeError, zlib.error):
        return None


def inline_marker(fingerprint: str) -> str:
    return f"<!-- readiness:fp {fingerprint} -->"


def inline_fingerprint(body: str | None) -> str | None:
    m = _FP.search(body or "")
    return m.group(1) if m else None


def is_summary(body: str | None) -> bool:
    return SUMMARY_MARKER in (body or "")
