"""docker.config-baked-in: env/credential files copied into the runtime image."""
from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang.dockerfile import final_stage
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_EXAMPLE = re.compile(r"(^|[._-])(example|examples|sample|template|tmpl|dist|defaults?|test|ci)([._-]|$)", re.I)
_KEY_EXT = (".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk")
_PUBLIC_CERT = re.compile(r"(^|[._-])(ca|cert|certs|chain|fullchain|bundle|root|pub|public|crt)([._-]|$)", re.I)
_CONFIG = re.compile(r"^(config|configuration|settings|appsettings(\.[\w-]+)?|application(-[\w-]+)?)\."
                     r"(toml|ya?ml|json|ini|properties)$", re.I)


def _sources(body: str) -> list[str]:
    body = body.strip()
    if body.startswith("["):
        try:
            items = json.loads(body)
            return [str(i) for i in items[:-1]]
        except (ValueError, TypeError):
            pass
    toks = body.split()
    return toks[:-1]


def _kind(src: str) -> str | None:
    name = posixpath.basename(src.rstrip("/"))
    if not name or "$" in name:
        return None
    lower = name.lower()
    if lower in (".env", ".envrc") or lower.startswith(".env.") or lower.endswith(".env"):
        if _EXAMPLE.search(lower.replace(".env", "", 1) if lower.startswith(".env") else lower[:-4]):
            return None
        return "environment file"
    if _EXAMPLE.search(lower):
        return None
    if lower in (".npmrc", ".pypirc", ".netrc", ".git-credentials", ".dockercfg") or lower == "config.json" and "docker" in src.lower():
        return "credentials file"
    if lower.startswith("id_rsa") or lower.startswith("id_ed25519") or lower.startswith("id_ecdsa"):
        return "private key"
    if lower.endswith(_KEY_EXT):
        if lower.endswith(".pem") and _PUBLIC_CERT.search(lower[:-4]):
            return None
        return "key/certificate file"
    stem = lower.split(".", 1)[0]
    if stem in ("secrets", "secret", "credentials", "creds", "service-account", "serviceaccount", "gcp-key",
                "service_account"):
        return "secrets file"
    if _CONFIG.match(lower):
        return "configuration file"
    return None


@rule(
    "docker.config-baked-in",
    severity="MEDIUM",
    area="infrastructure",
    title="Config or credential file baked into the image",
    why="Copying `.env`, keys or environment-specific config into the runtime image ships credentials to "
        "every registry and host that pulls it, and ties one image to one environment.",
    fix="Keep these files out of the image (add them to `.dockerignore`) and provide configuration at run "
        "time through environment variables, mounted secrets or ConfigMaps.",
    kinds={"dockerfile"},
    example=Example(
        path="Dockerfile",
        bad="FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCOPY .env /app/.env\nUSER 10001\nCMD [\"python\", \"app.py\"]\n",
        good="FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCOPY .env.example /app/.env.example\nUSER 10001\n"
             "CMD [\"python\", \"app.py\"]\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    """Only the final (runtime) stage counts; `*.example`/`*.sample`/`*.template` files are fine."""
    for ins in final_stage(f.dockerfile):
        if ins.cmd not in ("COPY", "ADD"):
            continue
        for src in _sources(ins.body):
            if src.startswith(("http://", "https://")):
                continue
            kind = _kind(src)
            if kind:
                yield Hit(ins.line, end_line=ins.end_line,
                          message=f"`{ins.cmd} {src}` copies a {kind} into the runtime image")
                break
