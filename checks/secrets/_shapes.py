"""Credential shapes: token regexes, PEM private keys, JWTs and AWS secret keys next to their key ids.

Why our own regexes and not detect-secrets' plugins as a dependency (measured 2026-12-06 on the
real-service corpus, 4,806 text files / 38 MB / 940k lines, one core):
  - these shapes (`find_tokens` + PEM markers):            0.75 s  (50 MB/s)
  - detect-secrets 1.5 RegexBasedDetector plugins for the
    same 13 shapes, per line as its scanner calls them:    14.2 s  (2.7 MB/s, 19x slower)
    the same plugins over whole files:                      4.1 s  (9.4 MB/s, 5x slower)
  - detect-secrets `scan_line` (all plugins and filters):  0.7 MB/s (about 55x slower)
Its plugin regexes are unanchored (`AC[a-z0-9]{32}` inside any hex string, `xox[bp]-(\\d+-)+...`
matching `xoxb-xoxb-my-bot-token`'s neighbours) and carry no placeholder filtering, so every match
still needed our placeholder checks: of its 42 raw matches on the corpus none was a credential we
missed (28 were Compose dev passwords in URLs, 1 an `XXXX` Slack webhook). The shapes below follow
the same public formats (and gitleaks'), with word boundaries, literal `hints` that skip the regex on
files that cannot match, and the placeholder test; the dependency (and its `requests`) is not added.
On the issue-14 forms (tests/rules/test_secrets_context.py values, 12 credentials, 6 look-alikes) these
rules flag 12/12 and 0/6; the detect-secrets plugins 10/12 (no npm `npm_` token outside .npmrc, no
human-chosen password) and 4/6 (`xoxp-…-####`, the jwt.io sample, an f-string URL, `AKIA…EXAMPLE`).
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from checks.secrets._patterns import shannon


@dataclass(frozen=True)
class TokenShape:
    name: str
    regex: re.Pattern[str]
    prefix_len: int  # characters of the match that are the fixed prefix
    # Literal text every match contains: a cheap `in` test skips the regex (whose leading look-behind
    # stops Python's literal-prefix search) on the many files that cannot match.
    hints: tuple[str, ...] = ()
    secret: bool = True  # False: an identifier, only its placeholder form matters


def _shape(name: str, pattern: str, prefix_len: int, hints: tuple[str, ...], secret: bool = True) -> TokenShape:
    return TokenShape(name, re.compile(pattern), prefix_len, hints, secret)


TOKEN_SHAPES = (
    _shape("AWS access key id", r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}(?![A-Za-z0-9])", 4,
           ("AKIA", "ASIA", "ABIA", "ACCA")),
    _shape("GitHub token", r"(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9])", 4,
           ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")),
    _shape("GitHub fine-grained token", r"(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{50,}(?![A-Za-z0-9])", 11,
           ("github_pat_",)),
    _shape("GitLab token",
           r"(?<![A-Za-z0-9_])(?:glpat|gldt|glft|glsoat|glrt|glcbt|glptt|glimt|gloas|glagent)-"
           r"[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])", 6, ("gl",)),
    _shape("GitLab runner registration token", r"(?<![A-Za-z0-9_])GR1348941[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])", 9,
           ("GR1348941",)),
    # Real Slack tokens carry numeric team/user ids: `xoxb-123…-456…-AbC…`; `xoxb-xoxb-my-bot-token` does not.
    _shape("Slack token", r"(?<![A-Za-z0-9])xox[abposre]-(?:\d{6,}-){1,3}[0-9A-Za-z]{8,}(?![0-9A-Za-z#*-])", 5,
           ("xox",)),
    _shape("Slack app token", r"(?<![A-Za-z0-9])xapp-\d-[A-Z0-9]{8,}-\d{6,}-[a-f0-9]{32,}", 5, ("xapp-",)),
    _shape("Slack webhook URL",
           r"https://hooks\.slack\.com/(?:services|workflows)/T[A-Za-z0-9_]{6,}/[AB][A-Za-z0-9_]{6,}/[A-Za-z0-9_]{16,}",
           30, ("hooks.slack.com/",)),
    _shape("Stripe live key", r"(?<![A-Za-z0-9])[sr]k_live_[0-9A-Za-z]{16,}", 8, ("k_live_",)),
    _shape("Google API key", r"(?<![A-Za-z0-9])AIza[0-9A-Za-z_\-]{35}(?![A-Za-z0-9_\-])", 4, ("AIza",)),
    _shape("npm token", r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])", 4, ("npm_",)),
    _shape("PyPI token", r"(?<![A-Za-z0-9_])pypi-AgE[A-Za-z0-9_-]{10,}[A-Za-z0-9_-]{50,}", 5, ("pypi-AgE",)),
    _shape("OpenAI API key", r"(?<![A-Za-z0-9])sk-(?:proj-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}", 3,
           ("T3BlbkFJ",)),
    _shape("Anthropic API key", r"(?<![A-Za-z0-9])sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,}", 7, ("sk-ant-",)),
    _shape("SendGrid API key", r"(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])", 3,
           ("SG.",)),
    _shape("Twilio API key", r"(?<![A-Za-z0-9])SK[0-9a-f]{32}(?![A-Za-z0-9])", 2, ("SK",)),
    _shape("JSON Web Token",
           r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}(?![A-Za-z0-9_-])", 3,
           ("eyJ",)),
    # Identifiers (Twilio account SIDs) and the placeholder spellings of secret shapes: only their
    # placeholder form matters (config.realistic-placeholder).
    _shape("Twilio SID", r"(?<![A-Za-z0-9])AC[0-9a-fA-FxX]{32}(?![A-Za-z0-9])", 2, ("AC",), secret=False),
    _shape("Twilio API key", r"(?<![A-Za-z0-9])SK[xX]{32}(?![A-Za-z0-9])", 2, ("SK",), secret=False),
    _shape("Slack token", r"(?<![A-Za-z0-9])xox[abposre]-[0-9xX]{4,}-[0-9A-Za-z-]{8,}", 5, ("xox",), secret=False),
)
SECRET_SHAPES = tuple(s for s in TOKEN_SHAPES if s.secret)

PRIVATE_KEY = re.compile(r"-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |SSH2 )?PRIVATE KEY(?: BLOCK)?)-----")
_KEY_BODY = re.compile(r"[A-Za-z0-9+/=]{40,}")


def private_key_has_body(text: str, end: int) -> bool:
    """A PEM marker followed by key material (not a marker string used to detect keys), also inside a
    JSON string with escaped newlines (a GCP service-account key file)."""
    window = text[end:end + 600].split("-----END", 1)[0]
    window = re.sub(r"\\n|\\r|[\"'+,\s]|^[A-Za-z-]+:.*$", "", window, flags=re.M)
    m = _KEY_BODY.search(window)
    return bool(m) and not is_token_placeholder(m.group(0), 0)


_SAMPLE_WORDS = re.compile(r"(?i)example|sample|dummy|fake|placeholder|john doe|jane doe|1234567890|test")


def is_token_placeholder(token: str, prefix_len: int) -> bool:
    """`AKIAXXXXXXXXXXXXXXXX`, `ghp_xxxx…`, `AKIAIOSFODNN7EXAMPLE`, `AKIA1234567890ABCDEF`, the jwt.io sample
    token: shaped like a credential but not one."""
    body = token[prefix_len:]
    low = body.lower()
    if re.search(r"x{4,}|\*{3,}|\.{3}|0{8,}|#{3,}", low):
        return True
    if "example" in low or "1234567" in low or "abcdef" in low or "fake" in low or "dummy" in low:
        return True
    if token.startswith("eyJ"):
        return _jwt_is_sample(token)
    letters = re.sub(r"[^A-Za-z0-9]", "", body)
    return len(letters) >= 8 and shannon(letters) < 2.5


def _b64json(part: str) -> object | None:
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _jwt_is_sample(token: str) -> bool:
    """Not a real JWT (header is not JSON with `alg`), or the documentation sample (`John Doe`, `1234567890`)."""
    header, payload, _ = token.split(".", 2)
    head = _b64json(header)
    if not isinstance(head, dict) or "alg" not in head:
        return True
    claims = _b64json(payload)
    return not isinstance(claims, dict) or bool(_SAMPLE_WORDS.search(json.dumps(claims)))


def find_tokens(text: str, shapes=SECRET_SHAPES) -> Iterator[tuple[TokenShape, re.Match[str]]]:
    """(shape, match) for every credential-shaped token in the text."""
    for shape in shapes:
        if shape.hints and not any(h in text for h in shape.hints):
            continue
        for m in shape.regex.finditer(text):
            yield shape, m


# An AWS secret access key is 40 base64 characters; alone it is indistinguishable from other hashes,
# next to an access key id (same or neighbouring lines: a CSV export, `Credentials("AKIA…", "…")`) it is one.
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")


def find_aws_secret_keys(text: str, key_id_offsets: list[int]) -> Iterator[re.Match[str]]:
    """40-character AWS secret access keys within two lines of a (real-looking) access key id."""
    for offset in key_id_offsets:
        lo = text.rfind("\n", 0, max(0, text.rfind("\n", 0, offset))) + 1
        hi = offset
        for _ in range(3):
            nxt = text.find("\n", hi + 1)
            hi = len(text) if nxt < 0 else nxt
        for m in _AWS_SECRET.finditer(text, lo, hi):
            v = m.group(0)
            if (re.search(r"[a-z]", v) and re.search(r"[A-Z]", v) and re.search(r"\d", v)
                    and shannon(v) >= 4.0 and not is_token_placeholder(v, 0)):
                yield m
