"""Structured JSON logs (one object per line) with job context and a filter that scrubs secrets."""
from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

REDACTED = "[REDACTED]"
CONTEXT_FIELDS = ("delivery_id", "forge", "repo", "pr", "head_sha")
_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar("readiness_log_context", default=None)

_PATTERNS = [
    re.compile(r"-----BEGIN[A-Z ]*PRIVATE KEY-----.*?(-----END[A-Z ]*PRIVATE KEY-----|$)", re.S),
    re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_\-]{16,})"),
    re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"),  # JWTs
    re.compile(r"(?i)\b(bearer|token)\s+[A-Za-z0-9_\-\.=:/+]{8,}"),  # Authorization values
    re.compile(r"(?i)(x-(?:gitlab-token|hub-signature(?:-256)?)['\"]?\s*[:=]\s*['\"]?)[^\s'\",}]+"),
]


class Scrubber:
    """Replaces token shapes, private keys and the configured secret values with [REDACTED]."""

    def __init__(self, secrets: Iterable[str | bytes] = ()):
        self.values: list[str] = []
        self.add(*secrets)

    def add(self, *secrets: str | bytes | None) -> None:
        for s in secrets:
            if isinstance(s, bytes):
                s = s.decode("utf-8", "replace")
            if s and len(s.strip()) >= 6:
                self.values.append(s)
                self.values.extend(line.strip() for line in s.splitlines() if len(line.strip()) >= 16)
        self.values = sorted(set(self.values), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for value in self.values:
            if value in text:
                text = text.replace(value, REDACTED)
        for pattern in _PATTERNS:
            text = pattern.sub(_redact, text)
        return text


def _redact(match: re.Match) -> str:
    if match.re is _PATTERNS[3]:
        return f"{match.group(1)} {REDACTED}"
    if match.re is _PATTERNS[4]:
        return match.group(1) + REDACTED
    return REDACTED


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, the job context that is known, exception text; all scrubbed."""

    def __init__(self, scrub: Scrubber | None = None):
        super().__init__()
        self.scrub = scrub or Scrubber()

    def format(self, record: logging.LogRecord) -> str:
        out = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
               "level": record.levelname, "logger": record.name, "message": self.scrub(record.getMessage())}
        for key, value in (_context.get() or {}).items():
            if value not in (None, ""):
                out[key] = value
        for key in CONTEXT_FIELDS:
            if hasattr(record, key):
                out[key] = getattr(record, key)
        if record.exc_info:
            out["exception"] = self.scrub(self.formatException(record.exc_info))
        return self.scrub(json.dumps(out, default=str, ensure_ascii=False))


class ScrubFilter(logging.Filter):
    """For handlers that keep their own format: scrubs the rendered message in place."""

    def __init__(self, scrub: Scrubber):
        super().__init__()
        self.scrub = scrub

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.scrub(record.getMessage()), None
        return True


@contextlib.contextmanager
def log_context(job=None, **fields) -> Iterator[None]:
    """Attach a job's delivery id, forge, repository, pull request and head sha to every log line."""
    values = dict(_context.get() or {})
    if job is not None:
        values.update(delivery_id=job.delivery_id, forge=job.forge, repo=job.repo, pr=job.number,
                      head_sha=job.head_sha)
    values.update(fields)
    token = _context.set(values)
    try:
        yield
    finally:
        _context.reset(token)


def setup_logging(secrets: Iterable[str | bytes] = (), *, level: int = logging.INFO, stream=None,
                  fmt: str = "json") -> logging.Handler:
    """Replace the root handlers with one JSON (or plain text) handler that scrubs `secrets`."""
    scrub = Scrubber(secrets)
    handler = logging.StreamHandler(stream or sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter(scrub))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(ScrubFilter(scrub))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def settings_secrets(settings) -> list[str | bytes]:
    """Every secret value a Settings object holds (GitHub key and webhook secret, GitLab tokens)."""
    values: list[str | bytes] = [settings.private_key, settings.webhook_secret]
    gitlab = getattr(settings, "gitlab", None)
    if gitlab is not None:
        values += [getattr(gitlab, name, None) for name in ("token", "webhook_secret")]
    return [v for v in values if v]
