"""docker.root-user: the runtime image runs as root."""
from __future__ import annotations

from collections.abc import Iterator

from bot.models import Hit
from checks.lang.dockerfile import final_stage
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_ROOT = {"root", "0", "root:root", "0:0"}


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
    stage = final_stage(f.dockerfile)
    if not stage:
        return
    users = [ins for ins in stage if ins.cmd == "USER"]
    if not users:
        yield Hit(stage[0].line, message="The final stage has no USER instruction, so it runs as root",
                  region=(stage[0].line, stage[-1].end_line))
        return
    last = users[-1]
    if last.body.split()[0].lower() in _ROOT if last.body else False:
        yield Hit(last.line, message=f"The final stage switches to `USER {last.body}`")
