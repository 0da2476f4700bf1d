"""ci.missing-artifact: CI artifact/report paths that no command in the same CI file produces."""
from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Any

from checks.model import Hit
from checks.ci._ci import action_name, gha_jobs, gitlab_jobs, job_steps, scalar_lines, script_items, value_line
from checks.lang.yamlast import YList, YMap
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_REPORT_EXT = (".xml", ".json", ".out", ".info", ".lcov", ".sarif", ".txt", ".html", ".cov", ".profile",
               ".coverprofile", ".dot", ".csv")
# Tools whose output files we cannot see from the CI file: a job calling them may produce anything.
_OPAQUE_CMDS = {
    "make", "gmake", "just", "task", "invoke", "inv", "npm", "npx", "yarn", "pnpm", "bun", "tox", "nox", "gradle",
    "gradlew", "mvn", "mvnw", "ant", "bazel", "bazelisk", "sbt", "lein", "rake", "bundle", "hatch", "docker",
    "docker-compose", "podman", "earthly", "dagger", "sh", "bash", "zsh", "eval", "goreleaser", "ctest",
    "dotnet", "pwsh", "powershell", "ruby", "node", "deno", "php", "composer", "phpunit", "nix", "act",
}
_RUNNERS = {"poetry", "uv", "pdm", "pipenv", "hatch", "rye", "conda", "micromamba"}
_PREFIX = {"sudo", "time", "exec", "env", "nice", "timeout", "xvfb-run", "coverage"}


def _is_opaque(commands: str) -> bool:
    """True when some command is a build tool/script whose outputs the file does not show."""
    for piece in re.split(r"\n|&&|\|\||;|\||\$\(|`", commands):
        words = piece.strip().split()
        while words and (re.match(r"^[A-Za-z_]\w*=", words[0]) or words[0] in ("-", "then", "do", "else", "(", "{")):
            words = words[1:]
        while words and words[0] in _PREFIX and len(words) > 1 and words[0] != "coverage":
            words = words[1:]
        if not words:
            continue
        w0 = words[0]
        if w0 in _RUNNERS and len(words) > 2 and words[1] in ("run", "exec"):
            words = words[2:]
            w0 = words[0]
        if w0 in ("python", "python3") and len(words) > 1:
            if words[1] == "-m":
                continue
            if words[1].endswith(".py"):
                return True
            continue
        if w0 == "go" and len(words) > 1 and words[1] in ("run", "generate"):
            return True
        if w0 in _OPAQUE_CMDS or w0.startswith(("./", "$", "../")) or ("/" in w0 and not w0.startswith("/usr")):
            return True
    return False


# Commands that write well-known default paths without naming them.
_IMPLICIT = [
    (re.compile(r"\bcoverage\s+xml\b|--cov-report[= ]['\"]?xml(?![:\w])|\bcoverage\s+report\s+--format=xml"
                r"|\bdiff-cover\b"), {"coverage.xml"}),
    (re.compile(r"\bcoverage\s+json\b|--cov-report[= ]['\"]?json(?![:\w])"), {"coverage.json"}),
    (re.compile(r"\bcoverage\s+lcov\b|--cov-report[= ]['\"]?lcov(?![:\w])"), {"coverage.lcov"}),
    (re.compile(r"\b(jest|vitest|nyc|c8|karma|mocha)\b[^\n]*(--coverage|report)|\b(nyc|c8)\b"),
     {"lcov.info", "cobertura-coverage.xml", "clover.xml", "coverage-final.json", "coverage-summary.json"}),
    (re.compile(r"\bgosec\b|\bgolangci-lint\b|\bsemgrep\b|\btrivy\b|\bgrype\b|\bcheckov\b"), set()),
]


def _norm(path: str) -> str | None:
    """Normalised relative path, or None when it is a glob/variable/directory we will not judge."""
    p = path.strip().strip("'\"")
    p = re.sub(r"^\$\{?CI_PROJECT_DIR\}?/|^\$\{\{\s*github\.workspace\s*\}\}/|^\$GITHUB_WORKSPACE/", "", p)
    p = re.sub(r"^\./", "", p)
    if not p or p.startswith("!") or any(c in p for c in "*?[{$") or p.endswith("/"):
        return None
    if not p.lower().endswith(_REPORT_EXT):
        return None
    return p


def _produced(path: str, text: str, commands: str) -> bool:
    base = posixpath.basename(path)
    stem = posixpath.splitext(base)[0]
    if re.search(rf"(?<![\w.-]){re.escape(base)}(?![\w-])", text):
        return True
    for pattern, outputs in _IMPLICIT:
        if pattern.search(commands) and (not outputs or base in outputs):
            return True
    # `-o report` style option values that add the extension themselves
    return bool(re.search(rf"-[\w-]+(?:=|\s+)['\"]?(?:\S*/)?{re.escape(stem)}(?![\w-])", commands))


def _gitlab_paths(job: YMap) -> Iterator[tuple[int, str]]:
    art = job.get("artifacts")
    if not isinstance(art, dict):
        return
    paths = art.get("paths")
    if isinstance(paths, YList):
        for i, p in enumerate(paths):
            if isinstance(p, str):
                yield paths.item_lines[i], p
    reports = art.get("reports")
    if isinstance(reports, dict):
        for kind, value in reports.items():
            if isinstance(value, dict):  # coverage_report: {coverage_format, path}
                if isinstance(value.get("path"), str):
                    yield value_line(value, "path"), value["path"]
            elif isinstance(value, YList):
                for i, p in enumerate(value):
                    if isinstance(p, str):
                        yield value.item_lines[i], p
            elif isinstance(value, str):
                yield value_line(reports, kind), value


def _declaration_lines(f: SourceFile, lines: set[int]) -> str:
    return "\n".join(text for n, text in enumerate(f.lines, start=1)
                     if n not in lines and not text.lstrip().startswith("#"))


@rule(
    "ci.missing-artifact",
    severity="MEDIUM",
    area="ci",
    title="CI artifact or report path that nothing produces",
    why="When the declared report file is never written, the job uploads nothing: test and coverage reports "
        "silently disappear from merge requests and dashboards while the pipeline stays green.",
    fix="Make the test command write the file the job uploads (`pytest --junitxml=report.xml "
        "--cov-report=xml:coverage.xml`), or fix the declared path.",
    kinds={"gitlab-ci", "gha"},
    include_tests=True,  # CI files are CI wherever they live
    example=Example(
        path=".gitlab-ci.yml",
        bad="test:\n  script:\n    - pytest --cov=app\n  artifacts:\n    reports:\n      junit: report.xml\n",
        good="test:\n  script:\n    - pytest --cov=app --junitxml=report.xml\n  artifacts:\n    reports:\n"
             "      junit: report.xml\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    candidates: list[tuple[int, str, str]] = []  # (line, declared path, job command text)
    for doc in f.yaml_docs:
        if "gitlab-ci" in f.kinds:
            jobs = dict(gitlab_jobs(doc))
            for job in jobs.values():
                commands = _job_commands(doc, jobs, job)
                if commands is None or not commands.strip() or _is_opaque(commands):
                    continue
                for line, p in _gitlab_paths(job):
                    candidates.append((line, p, commands))
        if "gha" in f.kinds:
            for _name, job in gha_jobs(doc):
                steps = job_steps(job)
                commands, opaque = [], False
                for s in steps:
                    if isinstance(s.get("run"), str):
                        commands.append(s["run"])
                    elif isinstance(s.get("uses"), str):
                        a = action_name(s["uses"])
                        if not (a in ("actions/checkout", "actions/cache", "actions/upload-artifact")
                                or a.startswith("actions/setup-")):
                            opaque = True
                text = "\n".join(commands)
                if opaque or not text.strip() or _is_opaque(text):
                    continue
                for s in steps:
                    if action_name(s.get("uses")).startswith("actions/upload-artifact"):
                        w = s.get("with")
                        if isinstance(w, dict) and isinstance(w.get("path"), str):
                            for line, item in scalar_lines(f, w, "path"):
                                if item.strip():
                                    candidates.append((line, item.strip(), text))
    if not candidates:
        return
    declared = {line for line, _p, _c in candidates}
    rest = _declaration_lines(f, declared)
    for line, p, commands in candidates:
        path = _norm(p)
        if path is None or _produced(path, rest, commands):
            continue
        yield Hit(line, message=f"Artifact/report path `{path}` is declared, but no command in this file "
                                "writes it")


def _job_commands(doc: Any, jobs: dict[str, YMap], job: YMap, depth: int = 0, parent: bool = False
                  ) -> str | None:
    """Script text of a GitLab job with its `extends:` parents and global defaults; None if unknowable."""
    if depth > 5:
        return None
    parts = [c for _l, c in script_items(job)]
    ext = job.get("extends")
    if ext:
        for parent in [ext] if isinstance(ext, str) else list(ext):
            pj = doc.get(parent) if isinstance(doc, dict) else None
            if not isinstance(pj, dict):
                return None  # defined in an included file we cannot see
            sub = _job_commands(doc, jobs, pj, depth + 1, parent=True)
            if sub is None:
                return None
            parts.append(sub)
    if "script" not in job and not ext and not parent:
        return None
    default = doc.get("default") if isinstance(doc, dict) else None
    for holder in (doc, default):
        if isinstance(holder, dict):
            parts.extend(c for _l, c in script_items(holder, ("before_script", "after_script")))
    if isinstance(doc, dict) and "include" in doc and not parts:
        return None
    return "\n".join(str(p) for p in parts)
