"""Helpers shared by the docker.* / compose.* / k8s.* rules: secret-like names, image references."""
from __future__ import annotations

import re

# A name is secret-like when one of its `_`-separated words is one of these (so TOKENIZERS_PARALLELISM
# and PASSWORDLESS_LOGIN are not), or it contains one of the word pairs below.
_SECRET_WORDS = {"PASSWORD", "PASSWD", "PASSWORDS", "PASS", "PASSWORT", "SECRET", "SECRETS", "TOKEN", "TOKENS", "APIKEY",
                 "PASSPHRASE", "CREDENTIALS", "PAT"}
_SECRET_PAIRS = (("API", "KEY"), ("PRIVATE", "KEY"), ("ACCESS", "KEY"), ("SECRET", "KEY"),
                 ("AUTH", "KEY"), ("ENCRYPTION", "KEY"), ("SIGNING", "KEY"), ("CLIENT", "SECRET"),
                 ("MASTER", "KEY"))
# ...unless the name is about the secret rather than the secret itself.
_NOT_SECRET_LAST = {"FILE", "PATH", "DIR", "URL", "URI", "ENDPOINT", "HEADER", "TYPE", "LENGTH", "LEN",
                    "TTL", "TIMEOUT", "EXPIRE", "EXPIRES", "EXPIRY", "EXPIRATION", "LIFETIME", "ENABLED",
                    "ID", "NAME", "COUNT", "SIZE", "MODE", "METHOD", "POLICY", "ROTATION", "REF",
                    "ISSUER", "AUDIENCE", "ALGORITHM", "ALG", "FIELD", "PARAM", "PREFIX", "REGEX",
                    "PATTERN", "LOCATION", "ARN", "VERSION", "MOUNT", "FILENAME", "VAR", "SOURCE",
                    "PROVIDER", "STORE", "BACKEND", "HOST", "PORT", "USER", "USERNAME", "DURATION",
                    "SECONDS", "SECS", "SEC", "MINUTES", "MINS", "HOURS", "DAYS", "MS", "LIMIT", "RETRIES"}
_NOT_SECRET_ANY = {"ALLOW", "EMPTY", "RANDOM", "MIN", "MAX", "REQUIRE", "REQUIRED", "RESET", "HASH",
                   "HASHER", "HASHERS", "VALIDATORS", "COMPLEXITY", "GENERATE", "SKIP", "DISABLE",
                   "PUBLIC", "PUB", "TOKENIZERS", "USE", "ENABLE", "ENABLES"}  # `USE_ID_TOKEN` is a switch


def words(name: str) -> list[str]:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)  # camelCase → camel_Case
    return [w for w in re.split(r"[^A-Za-z0-9]+", name.upper()) if w]


def is_secret_name(name: str) -> bool:
    ws = words(name)
    if not ws or ws[-1] in _NOT_SECRET_LAST or any(w in _NOT_SECRET_ANY for w in ws):
        return False
    if any(w in _SECRET_WORDS for w in ws):
        return True
    ws = ["KEY" if w == "KEYS" else w for w in ws]
    pairs = set(zip(ws, ws[1:], strict=False))
    return any(p in pairs for p in _SECRET_PAIRS)


_BOOLISH = {"yes", "no", "true", "false", "on", "off", "0", "1", "y", "n", "none", "null", ""}


def is_literal_secret_value(value: object) -> bool:
    """A value that is a literal string (not a `${VAR}` reference, a flag or empty)."""
    if value is None or isinstance(value, bool):
        return False
    text = str(value).strip().strip("'\"")
    if text.lower() in _BOOLISH:
        return False
    if re.search(r"\$\{?[A-Za-z_]", text) or text.startswith("{{") or "{{" in text:
        return False
    return True


# scheme://user:password@host (or redis-style scheme://:password@host) — the password must be literal.
URI_CREDS = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]*)://([^\s:/@'\"]*):([^\s@/'\"]+)@[^\s'\"]+")


def uri_has_literal_password(text: str) -> re.Match[str] | None:
    for m in URI_CREDS.finditer(text):
        password = m.group(3)
        if re.fullmatch(r"\$\{?[A-Za-z_][A-Za-z0-9_]*(:?-[^}]*)?\}?|\{\{.*\}\}|\*+|<[^>]*>|%s|\$\(\w+\)", password):
            continue
        if "$" in password and re.search(r"\$\{?[A-Za-z_]", password):
            continue
        return m
    return None


def mask(text: str) -> str:
    """A line with credentials replaced by `****`."""
    text = URI_CREDS.sub(lambda m: f"{m.group(1)}://{m.group(2)}:****@" + m.group(0).split("@", 1)[1], text)
    return re.sub(r"([:=]\s*)(['\"]?)([^'\"\s#]{2,})(\2)", lambda m: m.group(1) + m.group(2) + "****" + m.group(4),
                  text, count=1)


def split_image(ref: str) -> tuple[str, str | None, str | None]:
    """(name, tag, digest) of an image reference; `localhost:5000/app` has no tag."""
    ref = ref.strip().strip("'\"")
    digest = None
    if "@" in ref:
        ref, digest = ref.split("@", 1)
    slash = ref.rfind("/")
    last = ref[slash + 1:]
    tag = None
    if ":" in last:
        last, tag = last.split(":", 1)
        ref = ref[: slash + 1] + last
    return ref, tag, digest


def normalise_image(name: str) -> str:
    name = name.lower()
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        name = name.removeprefix(prefix)
    name = name.removeprefix("library/")
    return name


def image_problem(ref: str) -> str | None:
    """'latest' / 'untagged' for a mutable reference, None for pinned or templated ones."""
    if not ref or "{{" in ref or "$" in ref:
        return None
    name, tag, digest = split_image(ref)
    if digest:
        return None
    if tag is None:
        return "untagged"
    if tag.lower() == "latest":
        return "latest"
    return None
