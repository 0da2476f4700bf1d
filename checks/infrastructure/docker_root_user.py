"""docker.root-user: the runtime image runs as root."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit
from checks.infrastructure._docker import froms
from checks.lang.dockerfile import Instruction
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_ROOT = {"root", "0", "root:root", "0:0", "root:0", "0:root"}
# Base images that already run as an unprivileged user (their own USER is inherited).
_NONROOT_BASE = re.compile(r"(:|-)nonroot\b|^cgr\.dev/chainguard/|^nginxinc/nginx-unprivileged|"
                           r"^bitnami/|^registry\.access\.redhat\.com/ubi\d+/(python|nodejs|openjdk)", re.I)


def _effective_users(instructions: list[Instruction]) -> tuple[list[Instruction], Instruction | None, bool]:
    """(USER instructions that apply to the runtime image, its FROM, base-is-non-root)."""
    if not instructions:
        return [], None, False
    by_alias = {fr.alias.lower(): fr for fr in froms(instructions) if fr.alias}
    by_stage = {fr.ins.stage: fr for fr in froms(instructions)}
    stage = max(ins.stage for ins in instructions)
    final_from = by_stage.get(stage)
    chain: list[int] = []
    nonroot_base = False
    while stage in by_stage and stage not in chain:
        chain.append(stage)
        fr = by_stage[stage]
        parent = by_alias.get((fr.resolved or fr.image).lower())
        if parent is None or parent.ins.stage >= stage:
            nonroot_base = bool(_NONROOT_BASE.search(fr.resolved or fr.image))
            break
        stage = parent.ins.stage
    users = [ins for ins in instructions if ins.cmd == "USER" and ins.stage in chain]
    users.sort(key=lambda i: i.line)
    return users, final_from.ins if final_from else None, nonroot_base


@rule(
    "docker.root-user",
    severity="HIGH",
    area="infrastructure",
    title="Container runs as root",
    why="A process running as root inside the container turns any code-execution bug into root on "
        "the container and a short step from the node.",
    fix="Create an unprivileged user in the final stage and switch to it with `USER app` "
        "(or a numeric UID such as `USER 10001`).",
    kinds={"dockerfile"},
    example=Example(
        path="Dockerfile",
        bad='FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "/app/main.py"]\n',
        good='FROM python:3.12-slim\nCOPY . /app\nRUN useradd -u 10001 app\nUSER app\n'
             'CMD ["python", "/app/main.py"]\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    """USER is inherited from earlier stages the final stage is built FROM, and from non-root base images
    (distroless `:nonroot`, Chainguard, nginx-unprivileged)."""
    users, final_from, nonroot_base = _effective_users(f.dockerfile)
    if final_from is None:
        return
    if not users:
        if not nonroot_base:
            yield Hit(final_from.line, message="The final stage has no USER instruction, so it runs as root",
                      region=(final_from.line, max(len(f.lines), final_from.line)))
        return
    last = users[-1]
    if last.body and last.body.split()[0].lower() in _ROOT:
        if last.stage != final_from.stage:
            # Inherited from the stage it is built FROM: the final stage itself has no USER.
            yield Hit(final_from.line, message=f"The final stage has no USER instruction and inherits "
                                               f"`USER {last.body}` (line {last.line}), so it runs as root",
                      region=(final_from.line, max(len(f.lines), final_from.line)))
            return
        yield Hit(last.line, message=f"The final stage switches to `USER {last.body}`")
