"""Shared vocabulary of the secrets rules: secret-like names, token shapes, placeholders, entropy, masking."""
from __future__ import annotations

import math
import posixpath
import re
from collections import Counter
from dataclasses import dataclass

# --- names ------------------------------------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# Whole name parts that make a name secret-like, and endings of run-together parts (`dbpassword`).
_SECRET_PARTS = {"password", "passwd", "pass", "passphrase", "secret", "token", "apikey", "privatekey"}
_SECRET_PAIRS = {("api", "key"), ("private", "key"), ("signing", "key"), ("encryption", "key"),
                 ("secret", "key"), ("auth", "key"), ("master", "key")}
_SECRET_SUFFIXES = ("password", "passwd", "secret", "token", "apikey", "privatekey")
# A name with one of these parts describes *about* a secret (where it lives, how long it lasts...).
_NOT_SECRET_PARTS = {
    "url", "uri", "urls", "endpoint", "host", "hostname", "path", "file", "filename", "dir", "name",
    "names", "ttl", "expiry", "expires", "expire", "expiration", "expiresin", "lifetime", "age",
    "timeout", "length", "len", "size", "min", "max", "count", "limit", "type", "header", "field",
    "param", "env", "ref", "id", "hash", "hasher", "hashed", "pattern", "regex", "format", "mode",
    "enabled", "enable", "disabled", "required", "policy", "prefix", "suffix", "label",
    "description", "help", "msg", "message", "error", "placeholder", "backend", "provider",
    "store", "source", "kind", "version", "interval", "cache", "validators", "validator", "scope",
    "scopes", "audience", "issuer", "algorithm", "alg", "location", "mount", "volume", "key_ref",
    "keyref", "template", "class", "factory", "generator", "manager", "reset", "strategy", "tokens",
    "secrets", "usage", "input", "view", "form", "selector", "attr", "attribute", "column",
    "index", "lookup", "method", "parser", "handler", "callback", "cookie", "query", "route",
    "bucket", "arn", "keyring", "vault", "rotation", "hint", "mask", "masked", "encoder", "status",
    "csrf", "csrftoken", "xsrf", "authenticity", "annotation", "annotations", "next", "page",
    "pagination", "continuation", "cursor", "marker", "sync", "idempotency", "verification",
}


def name_parts(name: str) -> list[str]:
    """`JWTSecret` / `jwt-secret` / `spring.datasource.password` -> lowercase parts."""
    name = _CAMEL.sub("_", name)
    return [p for p in re.split(r"[^A-Za-z0-9]+", name.lower()) if p]


def is_secret_name(name: str) -> bool:
    """True for names like `DB_PASSWORD`, `jwtSecret`, `api-key`, `GITHUB_TOKEN`, `private_key`."""
    parts = name_parts(name)
    if not parts or any(p in _NOT_SECRET_PARTS for p in parts):
        return False
    if any(p in _SECRET_PARTS for p in parts):
        return True
    if any(pair in _SECRET_PAIRS for pair in zip(parts, parts[1:], strict=False)):
        return True
    return any(p.endswith(_SECRET_SUFFIXES) and len(p) > 6 for p in parts)


# --- values -----------------------------------------------------------------------------------

_PLACEHOLDER_WORDS = {
    "changeme", "changeit", "change", "replace", "replaceme", "placeholder", "your", "yours",
    "example", "examples", "sample", "dummy", "fake", "mock", "test", "tests", "testing", "redacted",
    "todo", "fixme", "tbd", "xxx", "foo", "bar", "baz", "insert", "here", "dev", "local",
    "notasecret", "none", "null", "nil", "undefined", "default", "secret", "password", "token",
    "filtered", "hidden", "masked", "removed", "scrubbed", "omitted", "censored",
}
_PLACEHOLDER_SUBSTR = re.compile(
    r"(?i)change[_-]?me|changeit|replace[_-]?(?:with|me)|placeholder|your[_-]|[_-]here$|<[^<>]*>|"
    r"xxxx|\*\*\*|\.\.\.|redacted|not[_-]?a[_-]?(?:real[_-]?)?secret|fill[_-]?(?:me|in)"
)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_REFERENCE = re.compile(
    r"\$\{|\$\(|^\$[A-Za-z_{(]|\{\{|\{%|%\([\w]+\)s|^%[\w]+%$|os\.environ|getenv|secretKeyRef|"
    r"^vault:|^ref\+|^arn:aws:(?:secretsmanager|ssm)|^sm://|^awssm|^gcp:secretmanager|^ENC\[|^!vault|"
    r"^secret://|^file:|^env:|^@Microsoft\.KeyVault|^projects/[^/]+/secrets/"
)


def is_reference(value: str) -> bool:
    """`${VAR}`, `{{ .Values.x }}`, `$(cmd)`, `vault:...`, `ENC[...]`: not a literal secret."""
    return bool(_REFERENCE.search(value.strip()))


def is_placeholder(value: str) -> bool:
    """`changeme`, `<secret>`, `REPLACE_WITH_...`, `xxx`, `your-api-key`, `dummy`, `***`..."""
    v = value.strip().strip("\"'`")
    if not v or len(set(v.lower())) <= 2:
        return True
    if _PLACEHOLDER_SUBSTR.search(v):
        return True
    if re.fullmatch(r"[xX*#.\-_0]+", v) or re.fullmatch(r"\W*\[[\w\s-]+\]\W*", v):
        return True
    words = {w.lower() for w in _WORD.findall(v)}
    return bool(words & _PLACEHOLDER_WORDS) and not _is_random_blob(v)


def _is_random_blob(v: str) -> bool:
    # A long mixed string that happens to contain a word (`...CYEXAMPLEKEY`) is still random.
    return len(v) >= 24 and shannon(v) >= 4.0


def shannon(value: str) -> float:
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def _classes(v: str) -> int:
    return sum((
        any(c.islower() for c in v), any(c.isupper() for c in v), any(c.isdigit() for c in v),
        any(not c.isalnum() for c in v),
    ))


def looks_random(value: str, min_length: int = 8, threshold: float = 3.0) -> bool:
    """A literal that looks machine-generated or like a real password, not a word or an identifier."""
    v = value
    if len(v) < min_length or len(v) > 1000 or re.search(r"\s", v):
        return False
    if not re.search(r"[A-Za-z]", v):
        return False
    if re.match(r"(?i)^(?:[a-z][a-z0-9+.-]*://|/|\./|\.\./|~/|[a-z]:\\|arn:|\^)", v):
        return False  # URLs, paths, ARNs, regexes
    if "\\" in v or re.search(r"\[[^\]]*-[^\]]*\]|\{\d+(?:,\d*)?\}", v):
        return False  # regular expressions, escaped text
    if re.search(r"(?i)\.(?:pem|key|crt|cer|json|ya?ml|txt|p12|pfx|jks|env|conf|cfg|ini|toml)$", v):
        return False  # file names
    if re.fullmatch(r"\d+(?:\.\d+)*[a-z]{0,2}", v, re.I):
        return False  # versions, durations
    if re.match(r"(?i)^(?:pbkdf2_|argon2|bcrypt|sha1\$|md5\$|\$2[aby]?\$|\$argon2|\$6\$|\$5\$|\{SSHA\})", v):
        return False  # password hashes, not passwords
    parts = re.split(r"[-_.:/]+", v)
    if all(re.fullmatch(r"[a-z]+|[A-Z]+|[A-Z][a-z]+|\d{1,6}", p) or not p for p in parts):
        return False  # a human phrase: dev-secret-key-123, my_app_token, PasswordField
    if re.fullmatch(r"[A-Za-z]+", v) and len(_WORD.findall(v)) > 1 and len(v) < 24:
        return False  # CamelCase identifier
    classes = _classes(v)
    ent = shannon(v)
    if classes >= 3:
        return ent >= max(2.5, threshold - 0.5)
    if classes == 2:
        return len(v) >= max(min_length, 12) and ent >= threshold and bool(re.search(r"\d", v) or len(v) >= 20)
    return len(v) >= 24 and ent >= threshold + 0.8 and v.isalpha() is False


# --- token shapes -----------------------------------------------------------------------------

@dataclass(frozen=True)
class TokenShape:
    name: str
    regex: re.Pattern[str]
    prefix_len: int  # characters of the match that are the fixed prefix
    # Literal text every match contains: a cheap `in` test skips the regex (whose leading look-behind
    # stops Python's literal-prefix search) on the many files that cannot match.
    hints: tuple[str, ...] = ()


TOKEN_SHAPES = (
    TokenShape("AWS access key id", re.compile(r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])"), 4, ('AKIA', 'ASIA')),
    TokenShape("GitHub token", re.compile(r"(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9])"), 4, ('ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_')),
    TokenShape("GitHub fine-grained token",
               re.compile(r"(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{50,}(?![A-Za-z0-9])"), 11, ('github_pat_',)),
    TokenShape("GitLab token", re.compile(r"(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20}(?![A-Za-z0-9_-])"), 6, ('glpat-',)),
    TokenShape("Slack token", re.compile(r"(?<![A-Za-z0-9])xox[abposr]-[0-9A-Za-z][0-9A-Za-z-]{14,}"), 5, ('xox',)),
    TokenShape("Slack webhook URL", re.compile(
        r"https://hooks\.slack\.com/services/T[A-Za-z0-9_]{6,}/B[A-Za-z0-9_]{6,}/[A-Za-z0-9_]{16,}"), 30, ('hooks.slack.com/services/',)),
    TokenShape("Stripe live key", re.compile(r"(?<![A-Za-z0-9])[sr]k_live_[0-9A-Za-z]{16,}"), 8, ('k_live_',)),
    TokenShape("Google API key", re.compile(r"(?<![A-Za-z0-9])AIza[0-9A-Za-z_\-]{35}(?![A-Za-z0-9_\-])"), 4, ('AIza',)),
    TokenShape("npm token", re.compile(r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])"), 4, ('npm_',)),
    TokenShape("OpenAI API key", re.compile(r"(?<![A-Za-z0-9])sk-(?:proj-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}"), 3, ('T3BlbkFJ',)),
    TokenShape("SendGrid API key", re.compile(r"(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"), 3, ('SG.',)),
    TokenShape("Twilio SID", re.compile(r"(?<![A-Za-z0-9])(?:AC|SK)[0-9a-fA-FxX]{32}(?![A-Za-z0-9])"), 2, ('AC', 'SK')),
)
# Twilio SIDs are identifiers, not secrets: only their placeholder form matters (realistic-placeholder).
SECRET_SHAPES = tuple(s for s in TOKEN_SHAPES if s.name != "Twilio SID")

PRIVATE_KEY = re.compile(r"-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |SSH2 )?PRIVATE KEY(?: BLOCK)?)-----")
_KEY_BODY = re.compile(r"[A-Za-z0-9+/=]{40,}")


def private_key_has_body(text: str, end: int) -> bool:
    """A PEM marker followed by key material (not a marker string used to detect keys)."""
    window = text[end:end + 600].split("-----END", 1)[0]
    window = re.sub(r"\\n|\\r|[\"'+,\s]|^[A-Za-z-]+:.*$", "", window, flags=re.M)
    m = _KEY_BODY.search(window)
    return bool(m) and not is_token_placeholder(m.group(0), 0)


def is_token_placeholder(token: str, prefix_len: int) -> bool:
    """`AKIAXXXXXXXXXXXXXXXX`, `ghp_xxxx…`, `AKIAIOSFODNN7EXAMPLE`, `AKIA1234567890ABCDEF`: shaped like a
    credential but not one."""
    body = token[prefix_len:]
    low = body.lower()
    if re.search(r"x{4,}|\*{3,}|\.{3}|0{8,}", low):
        return True
    if "example" in low or "1234567" in low or "abcdef" in low or "fake" in low or "dummy" in low:
        return True
    letters = re.sub(r"[^A-Za-z0-9]", "", body)
    return len(letters) >= 8 and shannon(letters) < 2.5


def find_tokens(text: str, shapes=SECRET_SHAPES):
    """(shape, match) for every credential-shaped token in the text."""
    for shape in shapes:
        if shape.hints and not any(h in text for h in shape.hints):
            continue
        for m in shape.regex.finditer(text):
            yield shape, m


# --- files ------------------------------------------------------------------------------------

_TEMPLATE_NAME = re.compile(r"(?i)(?:^|[._-])(?:template|example|examples|sample|dist|tmpl|tpl)(?:[._-]|$)")
_DOC_EXT = {".md", ".rst", ".adoc", ".txt", ".markdown"}


def is_template_file(path: str) -> bool:
    """`.env.example`, `config.sample.yaml`, `secret.template.yaml`, `values.tmpl`..."""
    return bool(_TEMPLATE_NAME.search(posixpath.basename(path)))


def is_doc_file(path: str) -> bool:
    parts = path.split("/")
    if any(p in ("docs", "doc", "documentation") for p in parts[:-1]):
        return True
    return posixpath.splitext(parts[-1].lower())[1] in _DOC_EXT


def is_minified(path: str, text: str) -> bool:
    name = posixpath.basename(path).lower()
    if re.search(r"\.(?:min|bundle|chunk)\.(?:js|css|mjs)$|\.map$|\.svg$", name):
        return True
    lines = text.count("\n") + 1
    return len(text) > 5000 and len(text) / lines > 400


def mask(secret: str) -> str:
    keep = 4 if len(secret) >= 12 else 2
    return f"{secret[:keep]}…(masked)"


def masked_line(line: str, start: int, end: int, max_len: int = 200) -> str:
    """The line with the secret between `start` and `end` masked."""
    out = line[:start] + mask(line[start:end]) + line[end:]
    out = out.strip()
    return out if len(out) <= max_len else out[: max_len - 3] + "..."
