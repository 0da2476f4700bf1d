"""docker.healthcheck: a service image without HEALTHCHECK, or one that ignores a configurable path prefix."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.infrastructure._docker import froms, pairs, stage_subject
from checks.lang.dockerfile import Instruction
from checks.model import Hit
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_PREFIX_VAR = re.compile(r"^(\w+_)?(BASE_PATH|PATH_PREFIX|URL_PREFIX|ROOT_PATH|CONTEXT_PATH|BASE_URL_PATH|"
                         r"SCRIPT_NAME|APP_ROOT|ROUTE_PREFIX|API_PREFIX|PREFIX_PATH|SUBPATH|SUB_PATH|"
                         r"MOUNT_PATH|SERVLET_CONTEXT_PATH|PUBLIC_PATH)$", re.I)
_URL_PATH = re.compile(r"https?://[^\s/'\"]+(/[^\s'\"]*)")


def _runtime(instructions: list[Instruction]) -> list[Instruction]:
    """Final stage plus the stages it is built FROM (HEALTHCHECK/EXPOSE are inherited)."""
    if not instructions:
        return []
    by_alias = {fr.alias.lower(): fr.ins.stage for fr in froms(instructions) if fr.alias}
    stage_from = {fr.ins.stage: fr.image.lower() for fr in froms(instructions)}
    stage = max(ins.stage for ins in instructions)
    chain: list[int] = []
    while stage >= 0 and stage not in chain:
        chain.append(stage)
        stage = by_alias.get(stage_from.get(stage, ""), -1)
    return [ins for ins in instructions if ins.stage in chain]


@rule(
    "docker.healthcheck",
    severity="LOW",
    area="infrastructure",
    title="Service image without a usable HEALTHCHECK",
    why="Without a HEALTHCHECK, Docker and Compose report a hung service as healthy; a HEALTHCHECK that "
        "hardcodes a path the service lets you prefix fails as soon as the prefix is set.",
    fix="Add `HEALTHCHECK CMD curl -fsS http://localhost:$PORT${BASE_PATH}/healthz || exit 1` (or the "
        "binary's own health subcommand) to the runtime stage, built from the same settings the service uses.",
    kinds={"dockerfile"},
    example=Example(
        path="Dockerfile",
        bad='FROM python:3.12-slim\nCOPY . /app\nEXPOSE 8000\nUSER 10001\nCMD ["python", "-m", "app"]\n',
        good='FROM python:3.12-slim\nCOPY . /app\nEXPOSE 8000\nUSER 10001\n'
             'HEALTHCHECK --interval=30s CMD python -c "import urllib.request as u; u.urlopen(\'http://localhost:8000/healthz\')"\n'
             'CMD ["python", "-m", "app"]\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    """Missing HEALTHCHECK is reported on the final FROM line; a prefix mismatch on the HEALTHCHECK line."""
    instructions = f.dockerfile
    runtime = _runtime(instructions)
    if not runtime:
        return
    healthchecks = [ins for ins in runtime if ins.cmd == "HEALTHCHECK"]
    exposes = [ins for ins in runtime if ins.cmd == "EXPOSE"]
    final_from = next((ins for ins in instructions if ins.cmd == "FROM" and ins.stage == max(i.stage for i in instructions)), None)
    if not healthchecks:
        if exposes and final_from is not None:
            ports = " ".join(e.body for e in exposes)
            yield Hit(final_from.line, message=f"The runtime image exposes {ports} but has no HEALTHCHECK",
                      subject=stage_subject(instructions, final_from, f.path),
                      region=(final_from.line, max(len(f.lines), final_from.line)))
        return
    last = healthchecks[-1]
    if last.body.strip().upper().startswith("NONE"):
        return
    prefixes = [name for ins in instructions if ins.cmd in ("ENV", "ARG") and (ins.stage < 0 or ins in runtime)
                for name, _ in pairs(ins.body) if _PREFIX_VAR.match(name)]
    if not prefixes:
        return
    for m in _URL_PATH.finditer(last.body):
        path = m.group(1)
        if "$" not in path and len(path) > 1:
            yield Hit(last.line, end_line=last.end_line,
                      message=f"HEALTHCHECK calls the hardcoded path `{path}` although the path prefix is "
                              f"configurable through `{prefixes[0]}`")
            break
