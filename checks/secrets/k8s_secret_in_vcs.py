"""k8s.secret-in-vcs: a Kubernetes `kind: Secret` manifest with real values committed to the repository."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.lang.yamlast import YList, YMap
from checks.model import Hit
from checks.registry import Context, Example, rule
from checks.secrets._files import is_template_file
from checks.secrets._patterns import is_reference
from checks.source import SourceFile

# Values that are unfilled template slots, not secrets: `${DB_PASSWORD}`, `{{ .Values.x }}`, `<password>`.
_SLOT = re.compile(r"(?i)^<[^<>]+>$|REPLACE[_-]?(?:WITH|ME)|^CHANGE[_-]?ME$|^__\w+__$|^@\w+@$")


@rule(
    "k8s.secret-in-vcs",
    severity="CRITICAL",
    area="secrets",
    title="Kubernetes Secret with values committed to the repository",
    why="A Secret manifest stores its values only base64-encoded, so committing it publishes the "
        "credentials to everyone with repository access and keeps them in git history.",
    fix="Remove the values from git and rotate them; generate the Secret at deploy time "
        "(`kubectl create secret ... --dry-run=client`), or commit an encrypted `SealedSecret`, "
        "an `ExternalSecret` backed by a secret store, or a SOPS-encrypted file instead.",
    kinds={"k8s"},
    example=Example(
        path="deploy/k8s/db-secret.yaml",
        bad="apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\nstringData:\n"
            "  DB_PASSWORD: Zq8s1LmX0pWv\n",
        good="apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: db\n"
             "spec:\n  secretStoreRef:\n    name: vault\n    kind: ClusterSecretStore\n  target:\n"
             "    name: db\n  data:\n    - secretKey: DB_PASSWORD\n      remoteRef:\n        key: db/password\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if is_template_file(f.path):
        return
    for doc in f.yaml_docs:
        yield from _check_doc(doc)


def _check_doc(doc: object) -> Iterator[Hit]:
    if not isinstance(doc, YMap):
        return
    if doc.get("kind") == "List" and isinstance(doc.get("items"), YList):
        for item in doc["items"]:
            yield from _check_doc(item)
        return
    if doc.get("kind") != "Secret" or not str(doc.get("apiVersion", "v1")).startswith("v1"):
        return
    if "sops" in doc:  # SOPS-encrypted: values are ciphertext
        return
    meta = doc.get("metadata")
    name = meta.get("name") if isinstance(meta, YMap) else None
    for section in ("data", "stringData"):
        values = doc.get(section)
        if not isinstance(values, YMap):
            continue
        filled = [str(k) for k, v in values.items() if _is_filled(v)]
        if not filled:
            continue
        keys = ", ".join(f"`{k}`" for k in filled[:4]) + (" ..." if len(filled) > 4 else "")
        who = f"Secret `{name}`" if name else "This Secret"
        yield Hit(doc.key_lines.get(section, doc.line),
                  message=f"{who} commits {len(filled)} value(s) under `{section}`: {keys}",
                  snippet=f"{section}: ({len(filled)} value(s) masked)")


def _is_filled(value: object) -> bool:
    if value is None or isinstance(value, (YMap, YList)):
        return False
    text = str(value).strip()
    if not text or text.startswith("ENC["):
        return False
    return not (is_reference(text) or _SLOT.search(text))
