"""config.realistic-placeholder: placeholders shaped like real credentials (`AKIAXXXXXXXXXXXXXXXX`), which trip
secret scanners and get copied into real config as if they were values."""
from __future__ import annotations

from collections.abc import Iterator

from checks.model import Hit
from checks.registry import Context, Example, rule
from checks.secrets._files import is_doc_file, is_minified
from checks.secrets._shapes import TOKEN_SHAPES, find_tokens, is_token_placeholder
from checks.source import SourceFile


@rule(
    "config.realistic-placeholder",
    severity="LOW",
    area="secrets",
    title="Placeholder shaped like a real credential",
    why="Credential-shaped placeholders such as `AKIAXXXXXXXXXXXXXXXX` trigger secret scanners (and "
        "push-protection blocks), training people to dismiss real alerts.",
    fix="Use an obviously fake placeholder that matches no credential format, e.g. "
        "`REPLACE_WITH_AWS_ACCESS_KEY_ID` or `${AWS_ACCESS_KEY_ID}`.",
    kinds={"text"},
    example=Example(
        path=".env.example",
        bad="AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX\nTWILIO_ACCOUNT_SID=ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n",
        good="AWS_ACCESS_KEY_ID=REPLACE_WITH_AWS_ACCESS_KEY_ID\nTWILIO_ACCOUNT_SID=REPLACE_WITH_TWILIO_SID\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if is_doc_file(f.path) or is_minified(f.path, f.text):
        return
    seen: set[int] = set()
    for shape, m in find_tokens(f.text, TOKEN_SHAPES):
        token = m.group(0)
        if not is_token_placeholder(token, shape.prefix_len):
            continue
        if shape.name == "Twilio SID" and token[2:].strip("xX"):
            continue  # only all-X Twilio SIDs are placeholders; real SIDs are public identifiers
        line = f.line_at(m.start())
        if line in seen:
            continue
        seen.add(line)
        yield Hit(line, message=f"`{token}` is a placeholder shaped like a real {shape.name}")
