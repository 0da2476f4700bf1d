"""Shared vocabulary of the secrets rules: secret-like names, references, placeholders, entropy, masking."""
from __future__ import annotations

import math
import re
from collections import Counter

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
    "notasecret", "none", "null", "nil", "undefined", "default",
    "filtered", "hidden", "masked", "removed", "scrubbed", "omitted", "censored",
}
# The name of what is asked for is a placeholder only as the whole value (`password: password`);
# inside a longer value it is a human-chosen password (`SuperSecret123!`, `MyPassword2024`).
_PLACEHOLDER_WHOLE = {"secret", "password", "passwd", "pass", "token", "apikey", "key", "value", "string"}
_PLACEHOLDER_SUBSTR = re.compile(
    r"(?i)change[_-]?me|changeit|replace[_-]?(?:with|me)|placeholder|your[_-]|[_-]here$|<[^<>]*>|"
    r"xxxx|\*\*\*|###|…|\.\.\.|redacted|not[_-]?a[_-]?(?:real[_-]?)?secret|fill[_-]?(?:me|in)"
)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
# Interpolation in every form a config or code file writes it: shell and Compose `$VAR`, `${VAR}` and
# their modifiers (`${VAR:?msg}`, `${VAR:-default}`), `$(cmd)`, Helm/Go/Jinja `{{ ... }}`, GitHub
# `${{ secrets.X }}`, Python `%(VAR)s` and `{name}` format fields, Ruby `#{}`, ERB `<%= %>`, and
# references to secret stores (`vault:`, `ENC[...]`, `arn:aws:secretsmanager:...`).
_REFERENCE = re.compile(
    r"\$\{|\$\(|^\$[A-Za-z_]|\{\{|\{%|%\([\w]+\)s|^%[\w]+%$|\{[A-Za-z_][\w.\[\]'\"]*(?:![rsa])?(?::[^{}]*)?\}|"
    r"#\{|<%|os\.environ|getenv|secretKeyRef|"
    r"^vault:|^ref\+|^arn:aws:(?:secretsmanager|ssm)|^sm://|^awssm|^gcp:secretmanager|^(?:ENC|DEC)\[|^!vault|"
    r"^secret://|^file:|^env:|^@Microsoft\.KeyVault|^projects/[^/]+/secrets/"
)
# `${VAR:-fallback}`, `${VAR-fallback}`, `${VAR:=fallback}`: the fallback is a literal value.
_REF_DEFAULT = re.compile(r"\$\{[A-Za-z_]\w*:?[-=]([^{}$]*)\}?")


def is_reference(value: str) -> bool:
    """`${VAR}`, `${VAR:?unset}`, `{{ .Values.x }}`, `$(cmd)`, `%(x)s`, `vault:...`: not a literal secret."""
    return bool(_REFERENCE.search(value.strip()))


def reference_defaults(value: str) -> list[str]:
    """The literal fallbacks inside a reference: `${DB_PASSWORD:-s3cr3t}` -> ["s3cr3t"]."""
    return [d.strip("\"'") for d in _REF_DEFAULT.findall(value) if d.strip("\"'")]


def is_placeholder(value: str) -> bool:
    """`changeme`, `<secret>`, `REPLACE_WITH_...`, `xxx`, `your-api-key`, `dummy`, `***`, `0123456789abcdef`...

    A value is a placeholder only when it is one: containing the word "secret" does not make it one."""
    v = value.strip().strip("\"'`")
    if not v or len(set(v.lower())) <= 2:
        return True
    if re.sub(r"[\W_]+", "", v.lower()) in _PLACEHOLDER_WHOLE:
        return True
    if _PLACEHOLDER_SUBSTR.search(v) or _mostly_sequences(v):
        return True
    if re.fullmatch(r"[xX*#.\-_0]+", v) or re.fullmatch(r"\W*\[[\w\s-]+\]\W*", v):
        return True
    words = {w.lower() for w in _WORD.findall(v)}
    return bool(words & _PLACEHOLDER_WORDS) and not _is_random_blob(v)


_RUN = re.compile(r"(?:0(?=1)|1(?=2)|2(?=3)|3(?=4)|4(?=5)|5(?=6)|6(?=7)|7(?=8)|8(?=9)|"
                  r"a(?=b)|b(?=c)|c(?=d)|d(?=e)|e(?=f)|f(?=g)|g(?=h)){4,}.", re.I)


def _mostly_sequences(v: str) -> bool:
    """`0123456789abcdef0123456789abcdef01234567`, `abcdefgh12345678`: typed runs, not a secret."""
    covered = sum(len(m.group(0)) for m in _RUN.finditer(v))
    return covered >= 8 and covered >= 0.6 * len(v)


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
    if "." in v and all(_IDENT_WORD.fullmatch(p) for p in v.split(".")):
        return False  # a dotted field path: spec.global.credentials.apiKey, tokenInput.value
    if re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+", v) and _mostly_letters(v):
        return False  # an UPPER_SNAKE name (an env var: DD_USE_K8S_SECRET) or a slug (app-k8s-token)
    if re.fullmatch(r"[A-Za-z]+", v) and len(_WORD.findall(v)) > 1 and len(v) < 24:
        return False  # CamelCase identifier
    classes = _classes(v)
    ent = shannon(v)
    if classes >= 3:
        return ent >= max(2.5, threshold - 0.5)
    if classes == 2:
        return len(v) >= max(min_length, 12) and ent >= threshold and bool(re.search(r"\d", v) or len(v) >= 20)
    return len(v) >= 24 and ent >= threshold + 0.8 and v.isalpha() is False


def _mostly_letters(v: str) -> bool:
    return sum(c.isalpha() for c in v) >= 0.75 * sum(c.isalnum() for c in v)


_IDENT_WORD = re.compile(r"[a-z]+(?:[A-Z][a-z]+|\d{1,2})*|[A-Z][a-z]+(?:[A-Z][a-z]+)*")


def is_weak_password(value: str) -> bool:
    """A human-chosen password: `admin12345`, `SuperSecret123!`, `Passw0rd2024` (letters with digits or
    symbols, 8-64 characters, one token), that is not an identifier, a path, a version or a hash."""
    v = value
    if not 8 <= len(v) <= 64 or re.search(r"\s", v) or not re.search(r"[A-Za-z]", v):
        return False
    if not re.search(r"\d", v) or re.fullmatch(r"[0-9a-fA-F]+", v):
        return False  # letters only are words; hex only is an id or a digest
    if re.match(r"(?i)^(?:[a-z][a-z0-9+.-]*://|/|\./|~/|v?\d+[.\d]*[-+]?)", v) or re.search(r"[/\\]|\.\w{2,4}$", v):
        return False  # URLs, paths, versions, file names
    if re.fullmatch(r"[a-z]+(?:[-_.][a-z]+)+[-_.]?\d+", v) or re.fullmatch(r"[A-Z][A-Z0-9_]+", v):
        return False  # identifiers: `my-secret-v2`, `app_token_1`, `SECRET_KEY_2`
    return True


def mask(secret: str) -> str:
    keep = 4 if len(secret) >= 12 else 2
    return f"{secret[:keep]}…(masked)"


def masked_line(line: str, start: int, end: int, max_len: int = 200) -> str:
    """The line with the secret between `start` and `end` masked."""
    out = line[:start] + mask(line[start:end]) + line[end:]
    out = out.strip()
    return out if len(out) <= max_len else out[: max_len - 3] + "..."
