"""Dockerfile helpers for the docker.* rules: FROM parsing and ARG resolution."""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from checks.lang.dockerfile import Instruction

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass
class From:
    ins: Instruction
    image: str  # as written
    resolved: str | None  # ARG-substituted (None when a variable has no default)
    alias: str | None


def arg_defaults(instructions: list[Instruction]) -> dict[str, str | None]:
    """Global ARG defaults (the ARGs before the first FROM) — the ones FROM can use."""
    out: dict[str, str | None] = {}
    for ins in instructions:
        if ins.stage >= 0:
            break
        if ins.cmd == "ARG":
            for name, value in pairs(ins.body):
                out[name] = value
    return out


def pairs(body: str) -> list[tuple[str, str | None]]:
    """`A=1 B="two"` / `A` / `A 1` (legacy ENV form) as (name, value) pairs."""
    try:
        toks = shlex.split(body, posix=True)
    except ValueError:
        toks = body.split()
    if not toks:
        return []
    if "=" not in toks[0]:
        # `ENV NAME value with spaces` or `ARG NAME`
        return [(toks[0], " ".join(toks[1:]) if len(toks) > 1 else None)]
    out = []
    for t in toks:
        name, eq, value = t.partition("=")
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", name):
            out.append((name, value if eq else None))
    return out


def substitute(text: str, args: dict[str, str | None]) -> str | None:
    missing = False

    def repl(m: re.Match[str]) -> str:
        nonlocal missing
        name = m.group(1) or m.group(2)
        inline = re.match(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}", m.group(0))
        value = args.get(name)
        if value is None and inline:
            value = inline.group(1)
        if value is None:
            missing = True
            return ""
        return value

    out = _VAR.sub(repl, text)
    return None if missing else out


def froms(instructions: list[Instruction]) -> list[From]:
    args = arg_defaults(instructions)
    out = []
    for ins in instructions:
        if ins.cmd != "FROM":
            continue
        toks = ins.body.split()
        if not toks:
            continue
        image = toks[0]
        alias = toks[2] if len(toks) >= 3 and toks[1].lower() == "as" else None
        out.append(From(ins, image, substitute(image, args) if "$" in image else image, alias))
    return out


ROOT_USERS = {"root", "0", "root:root", "0:0", "root:0", "0:root"}
# Base images that already run as an unprivileged user (their own USER is inherited): distroless and
# other `:nonroot` / `-nonroot` tags, names that say so (`…-unprivileged`, `…-rootless`), Chainguard, Bitnami.
NONROOT_BASE = re.compile(r"[:/-](nonroot|non-root|unprivileged|rootless)\b|^cgr\.dev/chainguard/|"
                          r"^(docker\.io/)?bitnami/|^registry\.access\.redhat\.com/ubi\d+/(python|nodejs|openjdk)",
                          re.IGNORECASE)


# Official images whose entrypoint starts as root only to step down to their own user (gosu/su-exec):
# the server never runs as root unless the Dockerfile replaces the ENTRYPOINT.
STEP_DOWN_BASE = re.compile(r"^(docker\.io/)?(library/)?(postgres|redis|mysql|mariadb|mongo|rabbitmq|"
                            r"elasticsearch|cassandra|couchdb|memcached)(:|@|$)", re.I)


@dataclass
class RuntimeUser:
    users: list[Instruction]  # USER instructions that apply to the runtime image, in order
    final_from: Instruction | None
    nonroot_base: bool  # the chain starts from an image that already runs as non-root
    base_image: str | None  # the external image the final stage's chain starts from

    @property
    def user(self) -> Instruction | None:
        return self.users[-1] if self.users else None

    @property
    def non_root(self) -> bool:
        last = self.user
        if last is None:
            return self.nonroot_base
        return bool(last.body) and last.body.split()[0].lower() not in ROOT_USERS


def runtime_user(instructions: list[Instruction]) -> RuntimeUser:
    """Who the final stage runs as: USER is inherited along the stages it is built FROM."""
    if not instructions or not any(ins.stage >= 0 for ins in instructions):
        return RuntimeUser([], None, False, None)
    all_froms = froms(instructions)
    by_alias = {fr.alias.lower(): fr for fr in all_froms if fr.alias}
    by_stage = {fr.ins.stage: fr for fr in all_froms}
    stage = max(ins.stage for ins in instructions)
    final_from = by_stage.get(stage)
    chain: list[int] = []
    nonroot_base, base_image = False, None
    while stage in by_stage and stage not in chain:
        chain.append(stage)
        fr = by_stage[stage]
        parent = by_alias.get((fr.resolved or fr.image).lower())
        if parent is None or parent.ins.stage >= stage:
            base_image = fr.resolved or fr.image
            nonroot_base = bool(NONROOT_BASE.search(base_image))
            break
        stage = parent.ins.stage
    users = sorted((ins for ins in instructions if ins.cmd == "USER" and ins.stage in chain), key=lambda i: i.line)
    return RuntimeUser(users, final_from.ins if final_from else None, nonroot_base, base_image)


def stage_subject(instructions: list[Instruction], from_ins: Instruction, path: str) -> str:
    """Identity of the stage a FROM starts: `stage:final` for the last one (the image that runs, whatever
    its alias: renaming or dropping a later stage must not make its findings look new), else
    `stage:<alias>` or `stage:<index>`; with the Dockerfile's path: two Dockerfiles are two images, not
    copies of one resource to merge."""
    if from_ins.stage == max(ins.stage for ins in instructions):
        return f"stage:final@{path}"
    name = next((fr.alias for fr in froms(instructions) if fr.ins is from_ins and fr.alias), None)
    return f"stage:{name or from_ins.stage}@{path}"
