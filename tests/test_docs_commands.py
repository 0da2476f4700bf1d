"""Every `readiness …` command in a shell block of README.md and docs/*.md is run here.

Commands run in-process (`bot.cli.main`) against the bundled demo: those naming files of this
repository (`examples/…`, `deploy/`) from the repository root, the others inside a throwaway git
repository whose `main` holds the demo service before examples/demo-service.diff and whose
checked-out branch holds it after. `-o FILE` is redirected into a temporary directory. A command
that cannot run offline must be in SKIP with the test that covers it instead.
"""
from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.cli import main
from tests.gitrepo import GitRepo

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL_BLOCKS = ("sh", "bash", "shell", "console")
ROOT_PATHS = ("examples/", "deploy")  # arguments that name files of this repository

# Reviewed: each entry says why the command is not run here and which test runs it instead.
SKIP = {
    ("readiness", "serve"): "a long-running server that needs GitHub App credentials; "
                            "tests/github (test_service.py, test_processes.py) start it",
    ("readiness", "worker"): "needs Redis and App credentials; tests/github/test_redis_queue.py runs workers",
    ("readiness", "review", "--coverage"): "needs coverage reports the demo has none of; "
                                           "tests/coverage/test_review_coverage.py runs it on real reports",
    ("readiness", "review", "--publish"): "needs a GitHub Actions / GitLab CI environment; "
                                          "tests/github/test_action.py and tests/gitlab/test_ci_job.py run it "
                                          "against the fake forges",
}


def _blocks(text: str):
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        fence = lines[i].strip()
        if fence.startswith("```"):
            lang = fence[3:].strip().split(" ")[0]
            body = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                body.append(lines[i])
                i += 1
            if lang in SHELL_BLOCKS:
                yield "\n".join(body)
        i += 1


def _commands(block: str):
    joined = block.replace("\\\n", " ")
    for line in joined.splitlines():
        line = line.strip().removeprefix("$ ")
        if "readiness" not in line:
            continue
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|<>")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        segment: list[str] = []
        for token in [*lexer, ";"]:
            if token in (";", "&&", "||", "|", "&", ">", ">>", "<"):
                if segment and segment[0] == "readiness":
                    yield segment
                segment = [] if token != ">" else ["<redirect>"]
                continue
            segment.append(token)


def documented_commands() -> list[tuple[str, list[str]]]:
    out = []
    for path in DOCS:
        for block in _blocks(path.read_text(encoding="utf-8")):
            for argv in _commands(block):
                out.append((path.name, argv))
    return out


def _skip_reason(argv: list[str]) -> str | None:
    for prefix, reason in SKIP.items():
        if tuple(argv[: len(prefix)]) == prefix:
            return reason
    return None


COMMANDS = documented_commands()
RUNNABLE = [(doc, argv) for doc, argv in COMMANDS if _skip_reason(argv) is None]


@pytest.fixture(scope="module")
def demo_repo(tmp_path_factory) -> Path:
    """main: the demo service before the demo diff; branch `feature` (checked out): after it."""
    path = tmp_path_factory.mktemp("demo") / "repo"
    shutil.copytree(ROOT / "examples" / "demo-service", path)
    subprocess.run(["git", "apply", "-R", str(ROOT / "examples" / "demo-service.diff")], cwd=path, check=True)
    before = {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}
    shutil.rmtree(path)
    repo = GitRepo(path)
    repo.commit("demo service", **before)
    repo.branch("feature")
    shutil.copytree(ROOT / "examples" / "demo-service", path, dirs_exist_ok=True)
    repo.commit("the demo change")
    return path


def test_docs_show_commands_and_every_skip_is_used():
    assert len(RUNNABLE) >= 10
    for prefix in SKIP:
        assert any(tuple(argv[: len(prefix)]) == prefix for _, argv in COMMANDS), f"unused skip entry {prefix}"


@pytest.mark.parametrize("doc,argv", RUNNABLE, ids=[f"{d}: {' '.join(a)}" for d, a in RUNNABLE])
def test_documented_command_runs(doc, argv, demo_repo, tmp_path, monkeypatch, capsys):
    assert not any("$" in a or a == "<redirect>" for a in argv), \
        f"{doc}: `{' '.join(argv)}` needs a shell or an environment: add it to SKIP with a reason"
    args = list(argv[1:])
    for i, a in enumerate(args[:-1]):
        if a in ("-o", "--output"):
            args[i + 1] = str(tmp_path / Path(args[i + 1]).name)
    here = ROOT if any(a.startswith(ROOT_PATHS) for a in args) else demo_repo
    monkeypatch.chdir(here)
    try:
        code = main(args)
    except SystemExit as exc:  # argparse: --version, --help
        code = exc.code
    captured = capsys.readouterr()
    assert code in (0, 1), f"{doc}: `{' '.join(argv)}` exited {code} in {here}:\n{captured.err}"
    for i, a in enumerate(args[:-1]):
        if a in ("-o", "--output"):
            assert Path(args[i + 1]).stat().st_size > 0


def test_demo_review_in_the_demo_repository_finds_the_demo_findings(demo_repo, monkeypatch, capsys):
    """`readiness review` in the demo repository is not vacuous: the branch's change is reviewed."""
    monkeypatch.chdir(demo_repo)
    assert main(["review", "--format", "json"]) == 1
    assert '"docker.root-user"' in capsys.readouterr().out
