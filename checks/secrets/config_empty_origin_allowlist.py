"""config.empty-origin-allowlist: a CORS / WebSocket origin (or allowed-hosts) allowlist set to an empty string."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.lang.yamlast import YList, YMap
from checks.model import Hit, Severity
from checks.registry import Context, Example, rule
from checks.secrets._files import is_doc_file, is_template_file
from checks.secrets._origin_readers import readers
from checks.secrets._patterns import name_parts
from checks.source import ParseError, SourceFile

# KEY= / KEY="" / export KEY='' / ENV KEY="" / - KEY= (compose list) / KEY: "" on one line.
_ENV_EMPTY = re.compile(
    r"""^\s*(?:-\s+|export\s+|ENV\s+|ARG\s+|set\s+)?["']?(?P<key>[A-Za-z_][\w.\-]*)["']?\s*(?P<op>=|:)\s*
        (?P<val>""|''|)\s*(?:\#.*)?$""",
    re.X,
)

# JSON config: `"allowedOrigins": ""` anywhere on a line.
_JSON_EMPTY = re.compile(r'"(?P<key>[A-Za-z_][\w.\-]*)"\s*:\s*""')


def is_origin_allowlist(key: str) -> bool:
    """CORS_ALLOWED_ORIGINS, WS_ALLOWED_ORIGINS, allowedOrigins, cors.allowed-origins, ALLOWED_HOSTS..."""
    parts = name_parts(key)
    joined = "_".join(parts)
    if "all" in parts or any(p in ("regex", "pattern", "credentials", "methods", "headers") for p in parts):
        return False
    if re.search(r"origin", joined):
        return bool(re.search(r"allow|cors|trusted|whitelist|permit|accept|websocket|(^|_)ws(_|$)", joined))
    return bool(re.search(r"(^|_)allowed_hosts?$|(^|_)allow_hosts$|^allowedhosts$|(^|_)trusted_hosts$", joined))


@rule(
    "config.empty-origin-allowlist",
    severity="CRITICAL",
    area="secrets",
    title="Origin allowlist set to an empty string",
    why="Many CORS and WebSocket middlewares treat an empty allowlist as \"no restriction\", so any web "
        "page can make credentialed requests or open sockets to the service on a user's behalf. Graded by "
        "the repository's Python, Go and JS code that reads the variable: CRITICAL when it treats empty as "
        "allow-all (a check that passes on an empty list, a `*` fallback); no finding when it parses the "
        "value into a list (empty narrows: only the service's own origin is allowed); MEDIUM, to verify, "
        "when no code in the repository reads it.",
    fix="Set the allowlist to the exact origins that may call the service, e.g. "
        "`CORS_ALLOWED_ORIGINS: \"https://app.example.org\"`, and make the service refuse to start "
        "(or allow nothing) when it is empty.",
    kinds={"env", "yaml", "dockerfile", "shell", "toml", "ini", "json"},
    repo_kinds={"python", "go", "js"},
    example=Example(
        path="deploy/k8s/configmap.yaml",
        bad='apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\ndata:\n'
            '  CORS_ALLOWED_ORIGINS: ""\n  LOG_LEVEL: info\n',
        good='apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\ndata:\n'
             '  CORS_ALLOWED_ORIGINS: "https://app.acme.io,https://admin.acme.io"\n  LOG_LEVEL: info\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if is_doc_file(f.path) or is_template_file(f.path):
        return
    for hit in _empty_allowlists(f):
        graded = _grade(hit, ctx)
        if graded is not None:
            yield graded


def _grade(hit: Hit, ctx: Context) -> Hit | None:
    """CRITICAL when the code reading the variable treats empty as allow-all; nothing when it parses empty
    into an empty list; MEDIUM ("verify") when the reading code is not in the repository."""
    key = hit.subject or ""
    found = readers(key, ctx.repo)
    allow_all = next((r for r in found if r.allows_all), None)
    if allow_all:
        return Hit(hit.line, severity=Severity.CRITICAL, subject=key,
                   message=f"`{key}` is set to an empty string, which {allow_all.path}:{allow_all.line} "
                           "treats as \"allow every origin\"")
    if found and all(r.parses_list for r in found):
        return None  # parsed into an empty list: nothing extra is allowed
    where = f"{found[0].path}:{found[0].line} reads it" if found else "no code in this repository reads it"
    return Hit(hit.line, severity=Severity.MEDIUM, subject=key,
               note=f"MEDIUM: {where}; whether empty means \"allow all\" is not visible",
               message=f"`{key}` is set to an empty string: verify that the service reading it refuses "
                       "every cross-origin request when the list is empty (many CORS and WebSocket "
                       "middlewares treat an empty allowlist as \"allow all\")")


def _empty_allowlists(f: SourceFile) -> Iterator[Hit]:
    if "yaml" in f.kinds:
        yield from _yaml(f)
        return
    if "json" in f.kinds:
        for number, line in enumerate(f.lines, start=1):
            for m in _JSON_EMPTY.finditer(line):
                if is_origin_allowlist(m.group("key")):
                    yield Hit(number, subject=m.group("key"))
                    break
        return
    for number, line in enumerate(f.lines, start=1):
        m = _ENV_EMPTY.match(line)
        if not m or not is_origin_allowlist(m.group("key")):
            continue
        if m.group("op") == ":" and not m.group("val"):
            continue  # `key:` alone is not an empty string outside YAML either
        yield Hit(number, subject=m.group("key"))


def _yaml(f: SourceFile) -> Iterator[Hit]:
    try:
        docs = f.yaml_docs
    except ParseError:
        docs = None
    if docs is None:  # unparsable (e.g. Helm templates): fall back to explicit `KEY: ""` lines
        for number, line in enumerate(f.lines, start=1):
            m = _ENV_EMPTY.match(line)
            if m and m.group("val") and is_origin_allowlist(m.group("key")):
                yield Hit(number, subject=m.group("key"))
        return
    seen: set[int] = set()
    for doc in docs:
        for line, key in _walk(doc):
            if line not in seen:
                seen.add(line)
                yield Hit(line, subject=key)


def _walk(node: object) -> Iterator[tuple[int, str]]:
    if isinstance(node, YMap):
        # Kubernetes / compose env entries: {name: CORS_ALLOWED_ORIGINS, value: ""}
        name = node.get("name")
        if (isinstance(name, str) and "value" in node and node["value"] == ""
                and "valueFrom" not in node and is_origin_allowlist(name)):
            yield node.key_lines.get("value", node.line), name
        for key, value in node.items():
            if isinstance(key, str) and value == "" and is_origin_allowlist(key):
                yield node.key_lines.get(key, node.line), key
            yield from _walk(value)
    elif isinstance(node, YList):
        for i, item in enumerate(node):
            if isinstance(item, str):  # compose `environment: ["CORS_ALLOWED_ORIGINS="]`
                m = re.fullmatch(r"\s*([A-Za-z_][\w.\-]*)=(?:\"\"|'')?\s*", item)
                if m and is_origin_allowlist(m.group(1)):
                    yield node.item_lines[i], m.group(1)
            else:
                yield from _walk(item)
