"""ci.secret-build-arg: secrets passed to image builds as --build-arg (they end up in the image history)."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit
from checks.ci._ci import action_name, gha_steps, scalar_lines, strip_comment, test_code_outside_ci
from checks.registry import Context, Example, rule
from checks.source import ParseError, SourceFile

_SECRET_WORD = re.compile(
    r"(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|CREDS|"
    r"AUTH_?KEY|SIGNING_?KEY|NPMRC|PYPIRC|NETRC|(?<![A-Z0-9])PAT(?![A-Z0-9]))",
    re.I,
)
# Names that mention a secret but carry a reference to it, not the secret itself.
_NOT_SECRET = re.compile(
    r"(_(URL|URI|HOST|ENDPOINT|PATH|FILE|DIR|NAME|TYPE|ID|ARN|REF|MOUNT|ENABLED|HEADER|EXPIRY|TTL)$"
    r"|_(TOKENS|SECRETS|COUNT|LIMIT|SIZE|LENGTH|LEN|TIMEOUT)$|^(MAX|MIN|NUM)_"
    r"|_DUMMY$|^(USE|ENABLE|WITH|HAS|SKIP|NO|DISABLE)_)",
    re.I,
)
_BUILD_ARG = re.compile(r"""--build-arg(?:\s+|=)(['"]?)([A-Za-z_][A-Za-z0-9_]*)(?:=(['"]?)([^\s'"]*))?""")
# Literal values that switch a build step rather than carry a secret (`SECRET_KEY_BASE=dummy` to
# precompile assets, `SKIP_TOKEN_CHECK=1`).
_FLAG_VALUE = re.compile(r"^(?:|true|false|yes|no|on|off|\d{1,4}|dummy|placeholder|unused|none|null|x+|"
                         r"precompile|changeme|build|ci|test)$", re.I)


def secret_name(name: str) -> bool:
    return bool(_SECRET_WORD.search(name)) and not _NOT_SECRET.search(name)


def _carries_secret(name: str, value: str | None) -> bool:
    """A secret-named argument whose value is not a literal switch (`=dummy`, `=1`)."""
    if not secret_name(name):
        return False
    return value is None or "$" in value or not _FLAG_VALUE.match(value)


def _message(name: str) -> str:
    return (f"`{name}` is passed to the image build with --build-arg, so its value is stored in the "
            "image metadata/history")


@rule(
    "ci.secret-build-arg",
    severity="HIGH",
    area="ci",
    title="Secret passed to docker build as a build argument",
    why="Build arguments are recorded in the image history and metadata (`docker history`), so anyone "
        "who can pull the image can read the token.",
    fix="Use BuildKit secrets: `docker build --secret id=npm_token,env=NPM_TOKEN .` with "
        "`RUN --mount=type=secret,id=npm_token ...` (or the `secrets:` input of docker/build-push-action).",
    kinds={"gha", "gitlab-ci", "jenkinsfile", "makefile", "shell"},
    include_tests=True,  # pipeline files under test folders; scripts there are skipped below
    example=Example(
        path=".gitlab-ci.yml",
        bad="build:\n  script:\n    - docker build --build-arg NPM_TOKEN=$NPM_TOKEN -t app .\n",
        good="build:\n  script:\n    - docker build --secret id=npm_token,env=NPM_TOKEN -t app .\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if test_code_outside_ci(f):
        return
    seen: set[int] = set()
    for number, raw in enumerate(f.lines, start=1):
        line = strip_comment(raw, f.kinds)
        if "--build-arg" not in line:
            continue
        for m in _BUILD_ARG.finditer(line):
            name = m.group(2)
            if _carries_secret(name, m.group(4)) and number not in seen:
                seen.add(number)
                yield Hit(number, message=_message(name))
    if "gha" not in f.kinds:
        return
    try:
        docs = f.yaml_docs
    except ParseError:
        return
    for doc in docs:
        for _job, _j, step in gha_steps(doc):
            name = action_name(step.get("uses"))
            if not name.startswith("docker/build-push-action") and not name.startswith("docker/bake-action"):
                continue
            w = step.get("with")
            if not isinstance(w, dict) or not isinstance(w.get("build-args"), str):
                continue
            for number, text in scalar_lines(f, w, "build-args"):
                for item in re.split(r"[,\n]", text):
                    key, eq, value = item.strip().strip("\"'").partition("=")
                    key, value = key.strip(), (value.strip() if eq else None)
                    if number not in seen and re.fullmatch(r"[A-Za-z_]\w*", key) and _carries_secret(key, value):
                        seen.add(number)
                        yield Hit(number, message=_message(key) + " (build-push-action `build-args:`)")
