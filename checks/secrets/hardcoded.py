"""secrets.hardcoded: private keys, known token shapes and high-entropy secret values committed in any text file."""
from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from checks.model import Hit, Severity
from checks.registry import Context, Example, rule
from checks.secrets._patterns import (
    PRIVATE_KEY,
    find_tokens,
    is_doc_file,
    is_minified,
    is_placeholder,
    is_reference,
    is_secret_name,
    is_template_file,
    is_token_placeholder,
    looks_random,
    mask,
    masked_line,
    private_key_has_body,
)
from checks.source import SourceFile

_CODE_EXT = {
    ".py", ".pyi", ".go", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".vue", ".svelte", ".java",
    ".kt", ".kts", ".scala", ".rb", ".php", ".cs", ".rs", ".swift", ".c", ".cc", ".cpp", ".h", ".hpp",
    ".m", ".dart", ".groovy", ".lua", ".pl", ".ex", ".exs", ".erl", ".clj", ".r", ".jl",
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
        "gets the credential, and it stays in git history after it is deleted.",
    fix="Revoke and rotate the credential now, then load it at runtime from the environment or a secret "
        "store (Kubernetes Secret via `secretKeyRef`, Vault, AWS/GCP Secret Manager) and keep only a "
        "placeholder such as `${DB_PASSWORD}` in the file.",
    kinds={"text"},
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
    low_sev = Severity.LOW if _in_tests(f.path, f.is_test) else None
    reported: set[int] = set()

    for m in PRIVATE_KEY.finditer(f.text):
        if not private_key_has_body(f.text, m.end()):
            continue
        line = f.line_at(m.start())
        if line in reported:
            continue
        reported.add(line)
        yield Hit(line, message=f"A {m.group(1).lower()} (PEM block) is committed",
                  severity=low_sev, snippet=f"-----BEGIN {m.group(1)}-----…(masked)")

    for shape, m in find_tokens(f.text):
        if is_token_placeholder(m.group(0), shape.prefix_len):
            continue
        if re.search(r"(?i)(?:Credential|AccessKeyId)(?:=|%3D)$", f.text[max(0, m.start() - 20):m.start()]):
            continue  # the key id inside a pre-signed URL: public by design, the signature expires
        line = f.line_at(m.start())
        if line in reported:
            continue
        reported.add(line)
        col = m.start() - (f.text.rfind("\n", 0, m.start()) + 1)
        yield Hit(line, message=f"A {shape.name} ({mask(m.group(0))}) is committed", severity=low_sev,
                  snippet=masked_line(f.line(line), col, col + len(m.group(0))))

    # Generic secret-named values: not in docs or templates, where sample values are the point.
    if is_doc_file(f.path) or is_template_file(f.path):
        return
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
            if not quoted and ("(" in value or value.startswith(("$", "!", "&", "*"))):
                continue
            if is_reference(value) or is_placeholder(value) or re.search(r"[{}]|%s|%\(", value):
                continue
            if not looks_random(value, min_len, threshold):
                continue
            start = m.start("val") + (1 if quoted else 0)
            found = (key, start, start + len(value))
            break
        if found is None:
            for m in _URL_CREDS.finditer(text):
                pw = m.group(1)
                if is_reference(pw) or is_placeholder(pw) or not looks_random(pw, min_len, threshold):
                    continue
                found = ("connection URL password", m.start(1), m.end(1))
                break
        if found is None or number in reported:
            continue
        key, start, end = found
        reported.add(number)
        what = key if key == "connection URL password" else f"`{key}`"
        yield Hit(number, message=f"{what[:1].upper() + what[1:]} is set to a hardcoded secret value "
                                  f"({mask(text[start:end])})",
                  severity=low_sev, snippet=masked_line(text, start, end))


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


_SAMPLE_DIRS = {"tests", "test", "testdata", "fixtures", "__tests__", "examples", "example", "docs_src",
                "samples", "sample", "demo", "demos"}


def _in_tests(path: str, is_test: bool) -> bool:
    """Test fixtures and sample code: findings there are LOW (a sample key is rarely a live one)."""
    parts = path.split("/")[:-1]
    return is_test or (parts[:1] == ["t"]) or any(p in _SAMPLE_DIRS for p in parts)
