"""docker.root-user: a non-root USER for the final stage, creating the user the way its distro does."""
from __future__ import annotations

import re

from checks.fixes import FixContext, Suggestion, Where, fixer
from checks.fixes._edit import replace_lines
from checks.infrastructure._docker import froms
from checks.lang.dockerfile import Instruction
from checks.source import SourceFile

UID = 10001
_ROOT = {"root", "0", "root:root", "0:0", "root:0", "0:root"}
_BUILD_STEPS = {"RUN", "COPY", "ADD", "WORKDIR"}
_DEBIAN_IMAGES = {"debian", "ubuntu", "python", "ruby", "golang", "openjdk", "eclipse-temurin", "rust", "php",
                  "perl", "buildpack-deps", "amazoncorretto-debian"}
_DEBIAN_TAGS = re.compile(r"slim|bookworm|bullseye|buster|trixie|jammy|focal|noble")


def user_lines(image: str) -> list[str] | None:
    """How the distro family of `image` creates an unprivileged user and switches to it; None when
    the family is unknown (a guess could break the build)."""
    name, _, tag = image.lower().partition("@")[0].partition(":")
    repo = name.rsplit("/", 1)[-1]
    if "$" in image:
        return None
    if name == "scratch":
        return [f"USER {UID}:{UID}"]  # no passwd file needed for a numeric user
    if "distroless" in name:
        return ["USER 65532:65532"]  # the `nonroot` user every distroless image ships
    if repo == "node":
        return ["USER node"]  # the official image's own unprivileged user
    if repo == "alpine" or "alpine" in tag:
        return [f"RUN adduser -D -H -u {UID} app", f"USER {UID}"]
    if repo in _DEBIAN_IMAGES or _DEBIAN_TAGS.search(tag):
        return [f"RUN useradd --system --uid {UID} --user-group --no-create-home app", f"USER {UID}"]
    return None


@fixer("docker.root-user")
def fix(f: SourceFile, where: Where, ctx: FixContext) -> Suggestion | None:
    instructions = f.dockerfile
    if not instructions:
        return None
    final = max(i.stage for i in instructions)
    stage = [i for i in instructions if i.stage == final]
    at = next((i for i in stage if i.line == where.line), None)
    if at is None:
        return None
    if at.cmd == "USER" and at.body.split()[0].lower() in _ROOT:
        earlier = [i for i in stage if i.cmd == "USER" and i.line < at.line and i.body.split()[0].lower() not in _ROOT]
        if not earlier:
            return None
        later_steps = [i for i in stage if i.line > at.line and i.cmd in _BUILD_STEPS]
        if not later_steps:  # nothing needs root after the switch: switch back instead
            return replace_lines(at.line, at.end_line, [f"USER {earlier[-1].body}"])
        return _insert_after(f, later_steps[-1], [f"USER {earlier[-1].body}"])
    if at.cmd != "FROM":
        return None
    base = next((fr for fr in froms(instructions) if fr.ins.line == at.line), None)
    lines = user_lines(base.resolved or base.image) if base else None
    if lines is None:
        return None
    steps = [i for i in stage if i.cmd in _BUILD_STEPS]
    return _insert_after(f, steps[-1] if steps else at, lines)


def _insert_after(f: SourceFile, ins: Instruction, lines: list[str]) -> Suggestion:
    return replace_lines(ins.end_line, ins.end_line, [f.line(ins.end_line), *lines])
