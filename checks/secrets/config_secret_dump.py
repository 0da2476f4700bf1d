"""config.secret-dump: scripts, Makefiles and CI jobs that write secrets (or the whole environment) to files."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit
from checks.registry import Context, Example, rule
from checks.source import SourceFile

# A redirect to a file: `> f`, `>> f`, `1> f`, `&> f`, `| tee f` (not 2>, >&2, /dev/null).
_REDIRECT = re.compile(
    r"(?:(?<![\d&>=<-])(?:1|&)?>>?|\|\s*(?:sudo\s+)?tee(?:\s+-a)?)\s*(?![&=\s]|/dev/(?:null|stdout|stderr|tty)\b)"
    r"(?P<target>[^\s;&|)]+)"
)
_KUBECTL_SECRET = re.compile(
    r"\b(?:kubectl|oc|k)\b(?:\s+(?:-n|--namespace|--context|--kubeconfig)[\s=]\S+|\s+-\S+)*\s+get\b"
    r"(?=[^|;&]*?(?:\s|,|^)secrets?(?:[\s,/]|$))"
)
_SECRET_OUTPUT = re.compile(r"(?:^|\s)(?:-o|--output)[\s=]?[\"']?(?:yaml|json|jsonpath|go-template|template)")
_SECRET_STORE_READ = re.compile(
    r"\baws\s+secretsmanager\s+get-secret-value\b|\bgcloud\s+secrets\s+versions\s+access\b|"
    r"\bvault\s+(?:kv\s+get|read)\b|\baz\s+keyvault\s+secret\s+(?:show|download)\b"
)
# Piped through an encryptor before the redirect: the file holds ciphertext (a SealedSecret, sops file).
_ENCRYPTED = re.compile(
    r"\|\s*(?:sudo\s+)?(?:kubeseal\b|sops\s+(?:[^|]*\s)?(?:-e|--encrypt)\b|gpg2?\s+(?:[^|]*\s)?"
    r"(?:-e|--encrypt|-c|--symmetric)\b|age\s|openssl\s+(?:enc|smime|cms)\b)"
)
# The whole environment: `env`, `printenv`, `export -p`, `set` as a command with no arguments.
_ENV_DUMP = re.compile(
    r"(?:^|[;&|(`]|\$\(|\bthen\b|\bdo\b|\brun:|\bscript:|\bRUN\s|^\s*[-@]+|\bsh\s*\(?\s*(?:script:\s*)?[\"']{1,3})"
    r"\s*(?:sudo\s+)?(?:env|printenv|export\s+-p|set|declare\s+-x)\s*"
    r"(?=(?:\|\s*sort\b[^|>]*)?(?:>>?|\|\s*(?:sudo\s+)?tee\b))"
)


@rule(
    "config.secret-dump",
    severity="MEDIUM",
    area="secrets",
    title="Script writes secrets to a file",
    why="A dumped Secret or environment file ends up in build artifacts, caches, images or "
        "someone's laptop, unencrypted and outside the secret store's access control and audit.",
    fix="Pipe secrets straight to the consumer (`kubectl get secret ... -o yaml | kubectl apply -f -`), "
        "read single values into variables, and never `env > file`; if a file is unavoidable, write it "
        "with `umask 077` to a tmpfs and delete it in a `trap`.",
    kinds={"shell", "makefile", "gha", "gitlab-ci", "jenkinsfile", "dockerfile", "yaml"},
    example=Example(
        path="scripts/backup.sh",
        bad="#!/bin/sh\nset -eu\nkubectl get secrets -n prod -o yaml > backup/secrets.yaml\n",
        good="#!/bin/sh\nset -eu\nkubectl get configmaps -n prod -o yaml > backup/configmaps.yaml\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    for number, command in _commands(f.lines):
        redirect = _REDIRECT.search(command)
        if not redirect:
            continue
        if _ENCRYPTED.search(command, 0, redirect.start()):
            continue
        if _KUBECTL_SECRET.search(command) and _SECRET_OUTPUT.search(command):
            yield Hit(number, message="`kubectl get secret` output is written to a file")
        elif _SECRET_STORE_READ.search(command):
            yield Hit(number, message="A secret read from the secret store is written to a file")
        elif _ENV_DUMP.search(command):
            yield Hit(number, message="The whole environment (including any secrets in it) is written to a file")


def _commands(lines: list[str]) -> Iterator[tuple[int, str]]:
    """Logical lines (backslash continuations joined), comments removed, with their first line number."""
    buf: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not buf:
            start = number
            if stripped.startswith(("#", "//")):
                continue
        code = re.sub(r"(?:^|\s)#(?![{!]).*$", "", line)
        if code.rstrip().endswith("\\"):
            buf.append(code.rstrip()[:-1])
            continue
        buf.append(code)
        yield start, " ".join(buf)
        buf = []
    if buf:
        yield start, " ".join(buf)
