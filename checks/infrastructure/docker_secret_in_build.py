"""docker.secret-in-build: secrets passed as build args or baked into ENV."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit
from checks.infrastructure._common import is_secret_name
from checks.infrastructure._docker import pairs
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_BUILD_ARG = re.compile(r"--build-arg(?:\s+|=)[\"']?([A-Za-z_][A-Za-z0-9_]*)")


def _strip_comment(line: str) -> str:
    s = line.lstrip()
    return "" if s.startswith("#") else line


@rule(
    "docker.secret-in-build",
    severity="HIGH",
    area="infrastructure",
    title="Secret passed as a Docker build arg or ENV",
    why="Build args and ENV values are stored in the image metadata and layer history: anyone who can pull "
        "the image can read the token with `docker history` or `docker inspect`.",
    fix="Pass build-time secrets with BuildKit secrets (`RUN --mount=type=secret,id=npm_token ...` and "
        "`docker build --secret id=npm_token,env=NPM_TOKEN`), and runtime secrets from the orchestrator's secret store.",
    # The catalog row names CI files too; there ci.secret-build-arg also reports the line (it also
    # covers `build-args:` inputs of build actions, which this rule does not read).
    kinds={"dockerfile", "makefile", "shell", "gha", "gitlab-ci", "jenkinsfile"},
    example=Example(
        path="Dockerfile",
        bad='FROM node:20-alpine\nARG NPM_TOKEN\nRUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci\n',
        good='# syntax=docker/dockerfile:1\nFROM node:20-alpine\n'
             'RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "dockerfile" in f.kinds:
        for ins in f.dockerfile:
            if ins.cmd not in ("ARG", "ENV"):
                continue
            for name, value in pairs(ins.body):
                if not is_secret_name(name):
                    continue
                if ins.cmd == "ENV" and (value is None or not value.strip().strip("'\"")):
                    continue  # `ENV TOKEN=""` clears a value
                if ins.cmd == "ARG":
                    msg = f"Build arg `{name}` is secret-like: its value is recorded in the image history"
                else:
                    msg = f"`ENV {name}` bakes a secret-like value into every container of the image"
                # On the line that names it (an `ENV A=1 \\` continuation puts it further down).
                line = next((n for n in range(ins.line, ins.end_line + 1)
                             if re.search(rf"(?<![\w$]){re.escape(name)}\b", f.line(n))
                             and not f.line(n).lstrip().startswith("#")), ins.line)
                yield Hit(line, end_line=ins.end_line, message=msg, snippet=f"{ins.cmd} {name}=****"
                          if value else f"{ins.cmd} {name}")
                break
        return
    seen: set[int] = set()
    text = "\n".join(_strip_comment(line) for line in f.lines)
    for m in _BUILD_ARG.finditer(text):
        name = m.group(1)
        line = f.line_at(m.start()) if text == f.text else text.count("\n", 0, m.start()) + 1
        if not is_secret_name(name) or line in seen:
            continue
        seen.add(line)
        yield Hit(line, message=f"`--build-arg {name}` passes a secret into the image build history; "
                                "use `--secret id=...` with `RUN --mount=type=secret`",
                  snippet=re.sub(rf"({re.escape(name)}=)\S+", r"\1****", f.line(line).strip()))
