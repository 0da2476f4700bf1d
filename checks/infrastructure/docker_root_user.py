"""docker.root-user: the runtime image runs as root."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from checks.infrastructure import _context
from checks.infrastructure._docker import (
    STEP_DOWN_BASE,
    RuntimeUser,
    runtime_user,
    stage_subject,
)
from checks.lang.dockerfile import Instruction
from checks.model import Hit, Severity
from checks.registry import Context, Example, rule
from checks.source import SourceFile

# A final stage whose process is a development server built from source at start-up is a dev image.
_DEV_COMMAND = re.compile(r"\b(go\s+run|npm\s+run\s+(dev|start:dev|watch)|yarn\s+(run\s+)?dev|pnpm\s+(run\s+)?dev|"
                          r"nodemon|manage\.py\s+runserver|flask\s+run|--reload\b|cargo\s+watch)")


@rule(
    "docker.root-user",
    severity="HIGH",
    area="infrastructure",
    title="Container runs as root",
    why="A process running as root inside the container turns any code-execution bug into root on "
        "the container and a short step from the node. In context: tooling images (tests, e2e, debug, dev, "
        "devcontainers, code generation, builders a Makefile runs locally, data-only images) are not raised, nor "
        "images built on a non-root base; LOW when the repository's manifests or Compose files run the image "
        "as non-root, or when it sits under a test folder.",
    fix="Create an unprivileged user in the final stage and switch to it with `USER app` "
        "(or a numeric UID such as `USER 10001`).",
    kinds={"dockerfile"},
    repo_kinds=_context.CONTEXT_KINDS,
    example=Example(
        path="Dockerfile",
        bad='FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "/app/main.py"]\n',
        good='FROM python:3.12-slim\nCOPY . /app\nRUN useradd -u 10001 app\nUSER app\n'
             'CMD ["python", "/app/main.py"]\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    """USER is inherited from the stages the final stage is built FROM and from non-root base images;
    tooling images are not raised, images the manifests run as non-root are LOW."""
    instructions = f.dockerfile
    rt = runtime_user(instructions)
    final_from = rt.final_from
    if final_from is None or rt.non_root or _runs_nothing(instructions, rt):
        return
    subject = stage_subject(instructions, final_from, f.path)
    last = rt.user
    if last is not None and last.stage == final_from.stage:
        hit = Hit(last.line, message=f"The final stage switches to `USER {last.body}`", subject=subject)
    elif last is not None:
        hit = Hit(final_from.line, subject=subject, region=(final_from.line, max(len(f.lines), final_from.line)),
                  message=f"The final stage has no USER instruction and inherits `USER {last.body}` "
                          f"(line {last.line}), so it runs as root")
    else:
        hit = Hit(final_from.line, subject=subject, region=(final_from.line, max(len(f.lines), final_from.line)),
                  message="The final stage has no USER instruction, so it runs as root")
    repo = _context.repo_context(f, ctx)
    if repo.tooling_reason(f.path, rt.base_image) or _dev_command(instructions, rt) or _steps_down(instructions, rt):
        return
    uses = repo.runtime(f.path)
    if uses and all(u.non_root for u in uses):
        more = f" (and {len(uses) - 1} more place(s) that run it)" if len(uses) > 1 else ""
        hit = replace(hit, severity=Severity.LOW, note=f"LOW: {uses[0].where} runs this image as non-root{more}")
    yield _context.for_tests_only(f, hit)


def _runs_nothing(instructions: list[Instruction], rt: RuntimeUser) -> bool:
    """A data-only image (`FROM scratch` with no CMD/ENTRYPOINT, e.g. a bundle of manifests): no process runs."""
    if (rt.base_image or "").lower() != "scratch":
        return False
    return not any(i.cmd in ("CMD", "ENTRYPOINT") for i in instructions if i.stage == rt.final_from.stage)


def _dev_command(instructions: list[Instruction], rt: RuntimeUser) -> bool:
    """The final stage runs a development server that builds the source on start (`go run`, `nodemon` ...)."""
    final = [i for i in instructions if i.stage == rt.final_from.stage and i.cmd in ("CMD", "ENTRYPOINT")]
    return any(_DEV_COMMAND.search(re.sub(r'[\[\]",]', " ", i.body)) for i in final)


def _steps_down(instructions: list[Instruction], rt: RuntimeUser) -> bool:
    """Built on an official server image whose own entrypoint drops to its user, and keeps that entrypoint."""
    if rt.base_image is None or not STEP_DOWN_BASE.search(rt.base_image) or rt.users:
        return False
    return not any(i.cmd == "ENTRYPOINT" for i in instructions if i.stage >= 0)
