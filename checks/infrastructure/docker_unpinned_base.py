"""docker.unpinned-base: base images without a fixed tag, or older than the configured minimum."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.infrastructure._common import normalise_image, split_image
from checks.infrastructure._docker import froms, stage_subject
from checks.model import Hit, Severity
from checks.registry import Context, Example, rule
from checks.source import SourceFile


def _version(tag: str) -> tuple[int, ...] | None:
    m = re.match(r"v?(\d+(?:\.\d+)*)", tag)
    return tuple(int(x) for x in m.group(1).split(".")) if m else None


@rule(
    "docker.unpinned-base",
    severity="LOW",
    area="infrastructure",
    title="Base image not pinned to a version",
    why="`FROM image` or `FROM image:latest` rebuilds on whatever the tag points to today: builds are not "
        "reproducible and a new major version can break the image without any change in the repository.",
    fix="Pin the base image to a version tag (`python:3.12-slim`) or a digest (`@sha256:…`) and bump it "
        "deliberately (Renovate/Dependabot can keep it current).",
    kinds={"dockerfile"},
    options={"minimum_tags": {}},
    example=Example(
        path="Dockerfile",
        bad='FROM node:latest\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n',
        good='FROM node:20.11-alpine\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    """Option `minimum_tags: {python: "3.11"}` flags tags older than the minimum (LOW)."""
    minimums = {normalise_image(str(k)): str(v) for k, v in (ctx.options.get("minimum_tags") or {}).items()}
    instructions = f.dockerfile
    all_froms = froms(instructions)
    if not all_froms:
        return
    last_stage = max(ins.stage for ins in instructions)
    stages: set[str] = set()
    for fr in all_froms:
        final = fr.ins.stage == last_stage
        ref = fr.resolved
        try:
            if ref is None or ref.lower() == "scratch" or ref.lower() in stages or "$" in ref or not ref:
                continue
            name, tag, digest = split_image(ref)
            if digest:
                continue
            via = f" (from ARG default `{ref}`)" if ref != fr.image else ""
            if tag is None or tag.lower() == "latest":
                what = "has no tag" if tag is None else "uses `:latest`"
                sev = Severity.MEDIUM if final else Severity.LOW
                yield Hit(fr.ins.line, severity=sev, subject=stage_subject(instructions, fr.ins, f.path),
                          message=f"Base image `{fr.image}`{via} {what}{' in the final stage' if final else ''}")
                continue
            minimum = minimums.get(normalise_image(name))
            have, want = _version(tag), _version(minimum) if minimum else None
            n = min(len(have or ()), len(want or ()))
            if have and want and have[:n] < want[:n]:
                yield Hit(fr.ins.line, severity=Severity.LOW, subject=stage_subject(instructions, fr.ins, f.path),
                          message=f"Base image `{name}:{tag}` is older than the configured minimum `{minimum}`")
        finally:
            if fr.alias:
                stages.add(fr.alias.lower())
