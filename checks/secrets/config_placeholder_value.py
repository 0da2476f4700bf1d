"""config.placeholder-value: placeholder text (`REPLACE_WITH_…`, `CHANGE-ME`, `your-api-key`, example.com
links) shipped as a real value in deploy configuration."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit, Severity
from checks.registry import Context, Example, rule
from checks.secrets._context import compose_readers
from checks.secrets._files import is_doc_file, is_template_file, sample_folder
from checks.source import SourceFile

_MARKER = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?:"
    r"replace[_-]?(?:with|me|this)[\w.-]*|replaceme[\w-]*|"
    r"change[_-]?me[\w-]*|change[_-]?this[\w-]*|changeit|"
    r"placeholder[\w-]*|"
    r"insert[_-][\w-]*[_-]here|[\w-]+[_-]goes[_-]here|fill[_-]?me[_-]?in|"
    r"your[_-][a-z0-9]+(?:[_.-][a-z0-9]+)*"
    r")(?![A-Za-z0-9])"
)
_SHOUT = re.compile(r"(?<![A-Za-z0-9])(?:REPLACE[_-]?(?:WITH|ME)\w*|CHANGE[_-]?ME\w*|PLACEHOLDER\w*)(?![A-Za-z0-9])")
_WHOLE = re.compile(r"(?i)^(?:x{3,}|\*{3,}|<[^<>\s][^<>]*>)$")
_EXAMPLE_HOST = re.compile(r"(?i)(?:^|[/@.\s\"'=:])(?:[\w-]+\.)*example\.(?:com|org|net)\b")
_LINKISH = re.compile(
    r"(?i)url|uri|link|callback|redirect|host|domain|origin|endpoint|webhook|admin|issuer|audience|"
    r"base|site|server|email|mail|from|address|href|return|login|logout|public"
)
_SPLIT = re.compile(r"""^\s*[{\[,]?\s*(?:-\s+)?(?:export\s+|ENV\s+|ARG\s+)?["']?(?P<key>[A-Za-z_][\w.\-\[\] ]*?)["']?\s*(?:=|:(?=\s|$)|:(?=["']))\s*(?P<val>.*)$""")
_LIST_ITEM = re.compile(r"^\s*-\s+(?P<val>[^:#]+?)\s*$")
_DEPLOY_KINDS = {"yaml", "toml", "ini", "env", "json", "terraform", "dockerfile", "conf"}
# In application code only the catalog's "example.com URLs in admin/callback links" count: a
# constant or field named like an admin/callback/redirect link that points at example.com.
_CODE_KINDS = {"python", "go", "js"}
_CODE_LINK_KEY = re.compile(r"(?i)admin|callback|redirect")
_CODE_LINK = re.compile(
    r"""^\s*(?:(?:export\s+)?(?:const|let|var|final|static|public|private|readonly)\s+)*"""
    r"""(?:self\.|this\.)?["']?(?P<key>[A-Za-z_$][\w$]*)["']?\s*(?::\s*[\w.\[\]| ]+?\s*)?(?::=|=|:)\s*"""
    r"""(?P<q>["'`])(?P<val>[a-z][a-z0-9+.-]*://[^"'`\s]+)(?P=q)\s*[,;]?\s*$"""
)
# A marker inside an asset path (`/img/placeholder.png`) names a file, it is not a placeholder value.
_ASSET = re.compile(r"(?i)^[\w./-]*\.(?:png|jpe?g|gif|svg|webp|ico|bmp|html?|css|js|woff2?)$")


def _strip_comment(line: str, kinds: frozenset[str]) -> str:
    if "json" in kinds and "yaml" not in kinds:
        return line
    if re.match(r"\s*[#;]", line):
        return ""
    return re.split(r"\s#|\s//\s", line, maxsplit=1)[0]


# Fields whose placeholder fails loudly (an image that cannot be pulled, a namespace that does not
# exist), so it cannot reach production unnoticed.
_FAILS_LOUDLY = re.compile(r"(?i)^(?:namespace|name|repository|repo|image|tag|digest|version|registry|kind)$")
# `SERVICE_NAME_PLACEHOLDER.SERVICE_NAMESPACE_PLACEHOLDER.svc`: substitution variables inside a value
# that build tooling (kustomize vars/replacements, sed, envsubst) replaces, like `${VAR}`.
_SUBST_VAR = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_PLACEHOLDER|PLACEHOLDER(?:_[A-Z0-9]+)+")
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
_SENDER = re.compile(r"(?i)from|sender|noreply|no_reply|reply")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://([^/?#\s]*)", re.I)


def _placeholder(key: str, value: str, kinds: frozenset[str] = frozenset()) -> str | None:
    v = value.strip().rstrip(",}]").strip().strip("\"'`").strip()
    if not v or v.startswith(("${", "{{", "$(")):
        return None
    if _FAILS_LOUDLY.match(key.rsplit(".", 1)[-1]) or (_EMAIL.match(v) and _SENDER.search(key)):
        return None  # fails loudly when left; a sender address is not a secret or a link
    if "terraform" in kinds and re.fullmatch(r"<[^<>]+>|\w*_here", v, re.I):
        return None  # an operator's fill-in (`"<project_id_here>"`): terraform fails on it
    if _SUBST_VAR.search(v) and _SUBST_VAR.sub("", v).strip(".-_/:"):
        return None
    if _WHOLE.match(v):
        return v
    if _ASSET.match(v):
        return None
    url = _URL.match(v)
    if url:  # in a URL only the host can be a placeholder; its path is prose (`/faq/using-your-cluster`)
        m = _MARKER.search(url.group(1))
        if m:
            return m.group(0)
        return v if key and _LINKISH.search(key) and _EXAMPLE_HOST.search(url.group(1)) else None
    # In prose ("replace this with ..."), only shouting markers count: REPLACE_WITH_X, CHANGE_ME.
    m = (_SHOUT if re.search(r"\s", v) else _MARKER).search(v)
    if m:
        return m.group(0)
    if key and _LINKISH.search(key) and not re.search(r"\s", v) and _EXAMPLE_HOST.search(v):
        return v
    return None


@rule(
    "config.placeholder-value",
    severity="HIGH",
    area="secrets",
    title="Placeholder value shipped in deploy configuration",
    why="A `REPLACE_WITH_…` or `your-api-key` left in a ConfigMap, values file or env file goes to "
        "production as the real value: the feature fails at runtime, or runs with a guessable "
        "credential, or sends users to example.com. Not findings: `*.example`/`*.template` files, docs, "
        "test, e2e, example and contrib folders; fields whose placeholder fails loudly (image "
        "`repository`/`tag`, `namespace`, `name`) and operator fill-ins such as `\"<project_id_here>\"` in "
        "tfvars; substitution variables that tooling replaces (`SERVICE_NAME_PLACEHOLDER.ns.svc`); words "
        "in a URL's path; sender addresses (`MAIL_FROM: noreply@example.com`). LOW: Compose files and env "
        "files only a Compose stack reads (local or self-hosted recipes).",
    fix="Fill the value from the environment or a secret store at deploy time (Helm values per "
        "environment, `secretKeyRef`, `${VAR}` substitution) and keep placeholders only in "
        "`*.example` / `*.template` files.",
    kinds=_DEPLOY_KINDS | _CODE_KINDS,
    repo_kinds={"compose"},
    example=Example(
        path="deploy/k8s/configmap.yaml",
        bad='apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\ndata:\n'
            '  STRIPE_WEBHOOK_SECRET: "REPLACE_WITH_WEBHOOK_SECRET"\n  LOG_LEVEL: info\n',
        good='apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\ndata:\n'
             '  PUBLIC_URL: "https://api.acme.io"\n  LOG_LEVEL: info\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if is_template_file(f.path) or is_doc_file(f.path) or f.kinds & {"gha", "gitlab-ci"}:
        return
    if f.is_test or sample_folder(f.path):
        return  # test environments, samples and dev containers are not deploy config
    note = _local_stack(f, ctx)
    low = Severity.LOW if note else None
    if not (f.kinds & _DEPLOY_KINDS):
        yield from _code_links(f)
        return
    for number, raw in enumerate(f.lines, start=1):
        line = _strip_comment(raw, f.kinds)
        if not line.strip():
            continue
        m = _SPLIT.match(line)
        if m:
            key, value = m.group("key").strip(), m.group("val")
            if "dockerfile" in f.kinds:
                key = key.split()[-1] if key.split() else key
        else:
            item = _LIST_ITEM.match(line)
            if not item:
                continue
            key, value = "", item.group("val")
        found = _placeholder(key, value, f.kinds)
        if found:
            what = f"`{key}`" if key else "This list item"
            yield Hit(number, message=f"{what} is set to the placeholder `{found}`", severity=low, note=note)


def _local_stack(f: SourceFile, ctx: Context) -> str | None:
    """Compose files and the env files only Compose reads: a local or self-hosted stack's recipe (LOW at most)."""
    if "compose" in f.kinds:
        return "LOW: a Compose file (a local or self-hosted stack's recipe, not production deploy config)"
    reader = compose_readers(f.path, ctx.repo) if "env" in f.kinds else None
    return f"LOW: only the Compose stack {reader} reads this env file" if reader else None


def _code_links(f: SourceFile) -> Iterator[Hit]:
    """Application code: `ADMIN_URL = "https://admin.example.com"`, `CallbackURL: "https://example.com/cb"`."""
    if "example." not in f.text:
        return
    for number, line in enumerate(f.lines, start=1):
        if "example." not in line:
            continue
        m = _CODE_LINK.match(line)
        if not m or not _CODE_LINK_KEY.search(m.group("key")):
            continue
        host = m.group("val").split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
        if re.search(r"(?i)(?:^|\.)example\.(?:com|org|net)$", host):
            yield Hit(number, message=f"`{m.group('key')}` points at the placeholder host "
                                      f"`{m.group('val')}`")
