"""secrets.hardcoded: private keys, known token shapes and high-entropy or human-chosen secret values committed in
any text file."""
from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from urllib.parse import unquote

from checks.model import Hit, Severity
from checks.registry import Context, Example, rule
from checks.secrets._context import (
    compose_readers,
    overridden_elsewhere,
    shared_with_dev_tooling,
)
from checks.secrets._files import (
    is_doc_file,
    is_minified,
    is_template_file,
    sample_folder,
)
from checks.secrets._patterns import (
    is_placeholder,
    is_reference,
    is_secret_name,
    is_weak_password,
    looks_random,
    mask,
    masked_line,
    reference_defaults,
)
from checks.secrets._shapes import (
    PRIVATE_KEY,
    find_aws_secret_keys,
    find_tokens,
    is_token_placeholder,
    private_key_has_body,
)
from checks.source import SourceFile

_CODE_EXT = {
    ".py", ".pyi", ".go", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".vue", ".svelte", ".java",
    ".kt", ".kts", ".scala", ".rb", ".php", ".cs", ".rs", ".swift", ".c", ".cc", ".cpp", ".h", ".hpp",
    ".m", ".dart", ".groovy", ".lua", ".pl", ".ex", ".exs", ".erl", ".clj", ".r", ".jl",
    ".html", ".htm", ".ejs", ".erb", ".hbs", ".jinja", ".j2",  # templates: their scripts are code
}

# key (optionally quoted), an assignment operator, and a value (quoted or bare). A key right after
# `/:` is an .npmrc registry setting (`//registry.npmjs.org/:_authToken=...`).
_KV = re.compile(
    r"""(?:(?<![\w:./$@])|(?<=/:))(?P<key>[A-Za-z_@$][A-Za-z0-9_.\-]*)["']?\]?\s*
        (?:
            :\s*[A-Za-z_][\w.\[\], |]*?\s*=(?![=>~])      # typed: key: str = ...
          | \s(?:string|String|str)\s*=(?![=>~])          # Go: var key string = ...
          | :=                                            # Go short assignment
          | =>                                            # PHP / Ruby hashes
          | (?<![=!<>+\-*/%&|^~])=(?![=>~])                # key = value (not ==, !=, <=, =>)
          | :(?![:/])                                     # key: value (YAML, JSON, object literals)
        )
        [ \t]*
        (?P<val>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`\n]*`|(?:[^\s"'`,;#}\])]|(?<=\S)\#)+)
    """,
    re.X,
)
# A line can only hold a secret-named value if it mentions one of the secret name parts (see
# _patterns.is_secret_name: every part, pair and suffix contains "pass", "secret", "token" or "key"),
# a `name:` (env lists: `- name: DB_PASSWORD` then `value: ...`) or a URL with credentials.
_LINE_TRIGGER = re.compile(r"(?i)pass|secret|token|key|name|://")
_NAME_LINE = re.compile(r"""["']?name["']?\s*[:=]\s*["']?([A-Za-z_][\w.\-]*)""")
_URL_CREDS = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@\"'`]*:([^\s@/\"'`]+)@[^\s\"'`]+", re.I)


@rule(
    "secrets.hardcoded",
    severity="CRITICAL",
    area="secrets",
    title="Hardcoded secret committed to the repository",
    why="Anyone with read access to the repository (or any clone, fork, CI log or image built from it) "
        "gets the credential, and it stays in git history after it is deleted. Recognised: PEM private keys "
        "(also inside JSON strings with escaped newlines, as in GCP service-account files); AWS access key "
        "ids and the secret access key next to them; GitHub, GitLab, Slack (tokens and incoming-webhook "
        "URLs), Stripe, Google, npm, PyPI, SendGrid, Twilio API-key, OpenAI and Anthropic token shapes; "
        "signed JWTs; `user:password@host` in a URI of any scheme; and high-entropy or human-chosen "
        "passwords (`SuperSecret123!`, `admin12345`) assigned to secret-named keys. Not values: every "
        "interpolation form (`$VAR`, `${VAR}`, `${VAR:?msg}`, `${VAR:-default}` with a non-secret "
        "default, `{{ .Values.x }}`, `${{ secrets.X }}`, `%(VAR)s`, `{name}` format fields), also inside "
        "URLs, and placeholders that only look like tokens (`xoxb-xoxb-my-bot-token`, `AKIA…EXAMPLE`, "
        "`<password>`, `changeme`, `xxxx`). LOW: files under test, testdata, e2e, examples, contrib or "
        ".devcontainer folders; env files only a Compose stack reads; a settings module's development "
        "default that a sibling module replaces in production (`settings/prod.py`); a value also committed "
        "in the project's test or dev-container files (a shared development value).",
    fix="Revoke and rotate the credential now, then load it at runtime from the environment or a secret "
        "store (Kubernetes Secret via `secretKeyRef`, Vault, AWS/GCP Secret Manager) and keep only a "
        "reference such as `${DB_PASSWORD:?required}` in the file.",
    kinds={"text"},
    repo_kinds={"compose", "python", "shell", "env"},
    include_tests=True,
    options={"min_length": 8, "entropy_threshold": 3.0},
    example=Example(
        path="config/settings.py",
        bad='AWS_ACCESS_KEY_ID = "AKIAZ7Q4X2LMN8RTV3PW"\n'  # readiness: ignore[secrets.hardcoded] this rule's own bad example, not a credential
            'AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Kd3Lm"\n',
        good='import os\n\nAWS_ACCESS_KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]\n'
             'AWS_SECRET_ACCESS_KEY = os.environ["AWS_SECRET_ACCESS_KEY"]\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if is_minified(f.path, f.text):
        return
    folder = sample_folder(f.path)
    where = f"`{folder}/` holds test, sample or local-development material" if folder else "a test file"
    low = (Severity.LOW, f"LOW: {where}") if folder or f.is_test else None
    reported: set[int] = set()

    def hit(line: int, message: str, snippet: str, grade: tuple[Severity, str] | None) -> Iterator[Hit]:
        if line not in reported:
            reported.add(line)
            sev, note = grade or (None, None)
            yield Hit(line, message=message, severity=sev, snippet=snippet, note=note)

    for m in PRIVATE_KEY.finditer(f.text):
        if private_key_has_body(f.text, m.end()):
            yield from hit(f.line_at(m.start()), f"A {m.group(1).lower()} (PEM block) is committed",
                           f"-----BEGIN {m.group(1)}-----…(masked)", low)

    key_ids = []
    for shape, m in find_tokens(f.text):
        if is_token_placeholder(m.group(0), shape.prefix_len):
            continue
        if re.search(r"(?i)(?:Credential|AccessKeyId)(?:=|%3D)$", f.text[max(0, m.start() - 20):m.start()]):
            continue  # the key id inside a pre-signed URL: public by design, the signature expires
        if shape.name == "AWS access key id":
            key_ids.append(m.start())
        yield from _token_hit(f, m, shape.name, hit, low)
    for m in find_aws_secret_keys(f.text, key_ids):
        yield from _token_hit(f, m, "AWS secret access key (next to its key id)", hit, low)

    # Generic secret-named values: not in docs or templates, where sample values are the point.
    if is_doc_file(f.path) or is_template_file(f.path):
        return
    context = low or _repo_grade(f, ctx)
    for number, key, start, end in _assigned_secrets(f, ctx):
        what = key if key == "connection URL password" else f"`{key}`"
        text = f.line(number)
        grade = context or _dev_value(f, key, text[start:end], ctx)
        yield from hit(number, f"{what[:1].upper() + what[1:]} is set to a hardcoded secret value "
                               f"({mask(text[start:end])})", masked_line(text, start, end), grade)


def _token_hit(f: SourceFile, m: re.Match[str], name: str, hit, grade) -> Iterator[Hit]:
    line = f.line_at(m.start())
    col = m.start() - (f.text.rfind("\n", 0, m.start()) + 1)
    article = "An" if name[:1] in "AEIOU" else "A"
    yield from hit(line, f"{article} {name} ({mask(m.group(0))}) is committed",
                   masked_line(f.line(line), col, col + len(m.group(0))), grade)


def _repo_grade(f: SourceFile, ctx: Context) -> tuple[Severity, str] | None:
    """LOW for an env file only a Compose stack reads, like `compose.plaintext-credentials`."""
    if "env" not in f.kinds:
        return None
    reader = compose_readers(f.path, ctx.repo)
    return (Severity.LOW, f"LOW: read only by the Compose stack {reader} (a local or self-hosted stack's "
                          "default; `compose.plaintext-credentials` grades these LOW)") if reader else None


def _dev_value(f: SourceFile, key: str, value: str, ctx: Context) -> tuple[Severity, str] | None:
    """LOW for a development value: replaced by a sibling production settings module, or also committed
    in the project's test or dev-container files."""
    where = overridden_elsewhere(f, key, ctx.repo) if key != "connection URL password" else None
    if where:
        return Severity.LOW, f"LOW: the development default; {where} replaces `{key}`"
    where = shared_with_dev_tooling(f, value, ctx.repo)
    if where:
        return Severity.LOW, f"LOW: the same value is committed in {where} (test or dev tooling): a development value"
    return None


def _is_secret_value(value: str, min_len: int, threshold: float) -> bool:
    return looks_random(value, min_len, threshold) or is_weak_password(value)


def _assigned_secrets(f: SourceFile, ctx: Context) -> Iterator[tuple[int, str, int, int]]:
    """(line, key, start, end) of literal secrets assigned to secret-named keys or written in URLs."""
    code = posixpath.splitext(f.name.lower())[1] in _CODE_EXT
    min_len = int(ctx.options.get("min_length", 8))
    threshold = float(ctx.options.get("entropy_threshold", 3.0))
    recent_name: tuple[int, str] | None = None
    for number, text in enumerate(f.lines, start=1):
        if len(text) > 1000:
            continue
        if not _LINE_TRIGGER.search(text) and not (recent_name and number - recent_name[0] <= 3):
            continue
        found = None
        for m in _scan(text):
            key = m.group("key")
            raw = m.group("val")
            quoted = raw[:1] in "\"'`"
            if text[max(0, m.start() - 2):m.start()] == "${":
                continue  # the variable of a `${VAR:-fallback}` reference: the enclosing key is judged
            if key.lower() == "name":
                recent_name = (number, raw.strip("\"'`"))
                continue
            if key.lower() in ("value", "default", "defaultvalue") and recent_name and number - recent_name[0] <= 3:
                key = recent_name[1]
            if code and not quoted:
                continue  # an identifier, call or attribute: not a literal
            if not is_secret_name(key):
                continue
            value = raw[1:-1] if quoted else raw
            if code and quoted and re.match(r"\s*=(?!=)", text[m.end("val"):]):
                continue  # `secret_key: "Optional[str]" = None` is a string annotation
            if not quoted and ("(" in value or value.startswith(("!", "&", "*"))):
                continue
            start = m.start("val") + (1 if quoted else 0)
            if is_reference(value):
                # `${DB_PASSWORD:-s3cr3tPw9}`: the reference is fine, a secret fallback is not.
                fallback = next((d for d in reference_defaults(value)
                                 if not is_placeholder(d) and _is_secret_value(d, min_len, threshold)), None)
                if fallback:
                    at = text.index(fallback, start)
                    found = (key, at, at + len(fallback))
                    break
                continue
            if is_placeholder(value) or re.search(r"%s", value):
                continue
            if not _is_secret_value(value, min_len, threshold):
                continue
            found = (key, start, start + len(value))
            break
        if found is None:
            for m in _URL_CREDS.finditer(text):
                pw = unquote(m.group(1))  # `a%20secret` is the phrase "a secret"
                if is_reference(pw) or is_placeholder(pw) or not _is_secret_value(pw, min_len, threshold):
                    continue
                found = ("connection URL password", m.start(1), m.end(1))
                break
        if found is not None:
            yield (number, *found)


def _scan(text: str) -> Iterator[re.Match[str]]:
    """Every key/value pair on the line, including ones nested in a value (`connect(password="…")`)."""
    pos = 0
    while True:
        m = _KV.search(text, pos)
        if m is None:
            return
        yield m
        pos = m.start("val") + (1 if m.group("val")[:1] in "\"'`" else 0)
        pos = max(pos, m.start() + 1)
