"""compose.plaintext-credentials: literal passwords and credentials in Compose `environment:`."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.infrastructure._common import URI_CREDS, is_literal_secret_value, is_secret_name, mask
from checks.lang.yamlast import YList, YMap
from checks.model import Hit
from checks.registry import Context, Example, rule
from checks.secrets._patterns import is_reference
from checks.source import SourceFile


def _literal(value: object) -> bool:
    """A literal value, classified like the secrets rules do: every interpolation form (`$VAR`,
    `${VAR:?msg}`, `${VAR:-default}`, `{{ ... }}`) is a reference, not a value."""
    return is_literal_secret_value(value) and not is_reference(str(value))


def uri_has_literal_password(text: str) -> re.Match[str] | None:
    """The first `scheme://user:password@host` whose password is a literal (not `***`, `<pw>` or `%s`)."""
    return next((m for m in URI_CREDS.finditer(text)
                 if _literal(m.group(3)) and not re.fullmatch(r"\*+|<[^>]*>|%s", m.group(3))), None)


def _entries(env: object) -> Iterator[tuple[str, object, int]]:
    if isinstance(env, YMap):
        for k, v in env.items():
            yield str(k), v, env.key_lines.get(k, env.line)
    elif isinstance(env, YList):
        for i, item in enumerate(env):
            if isinstance(item, str):
                name, eq, value = item.partition("=")
                yield name.strip(), (value if eq else None), env.item_lines[i]


@rule(
    "compose.plaintext-credentials",
    severity="LOW",
    area="infrastructure",
    title="Plaintext credentials in Compose environment",
    why="Passwords written into the Compose file are committed to version control and tend to be copied "
        "unchanged into staging and production.",
    fix="Reference variables instead (`POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}`) supplied by an untracked "
        "`.env`/`env_file:`, or use Compose `secrets:` with `*_FILE` variables.",
    kinds={"compose"},
    example=Example(
        path="docker-compose.yml",
        bad="services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: s3cretpass\n",
        good="services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    seen: set[int] = set()
    for doc in f.yaml_docs:
        services = doc.get("services") if isinstance(doc, YMap) else None
        if not isinstance(services, YMap):
            continue
        for svc_name, svc in services.items():
            if not isinstance(svc, YMap):
                continue
            for name, value, line in _entries(svc.get("environment")):
                if line in seen or value is None:
                    continue
                msg = None
                if is_secret_name(name) and _literal(value):
                    msg = f"Service `{svc_name}` sets `{name}` to a literal value in the Compose file"
                elif isinstance(value, str) and (m := uri_has_literal_password(value)):
                    msg = (f"Service `{svc_name}` puts a literal password in the `{m.group(1)}://` URI of `{name}`")
                if msg:
                    seen.add(line)
                    yield Hit(line, message=msg, snippet=mask(f.line(line).strip()))
            # Credentials inside URIs anywhere else in the service (`command:`, healthcheck, labels...).
            for key, value in svc.items():
                if key == "environment":
                    continue
                for text, start in _strings(value, svc.value_lines.get(key, svc.line)):
                    m = uri_has_literal_password(text)
                    if not m:
                        continue
                    needle = m.group(0)[: m.group(0).index("@")]
                    line = next((n for n in range(start, start + text.count("\n") + 3) if needle in f.line(n)), start)
                    if line in seen:
                        continue
                    seen.add(line)
                    yield Hit(line, message=f"Service `{svc_name}` puts a literal password in a `{m.group(1)}://` "
                                            f"URI under `{key}`", snippet=mask(f.line(line).strip()))


def _strings(node: object, line: int) -> Iterator[tuple[str, int]]:
    """String leaves under a Compose value, each with the line its scalar starts on."""
    if isinstance(node, str):
        yield node, line
    elif isinstance(node, YMap):
        for k, v in node.items():
            yield from _strings(v, node.value_lines.get(k, node.line))
    elif isinstance(node, YList):
        for i, item in enumerate(node):
            yield from _strings(item, node.item_lines[i] if i < len(node.item_lines) else node.line)
