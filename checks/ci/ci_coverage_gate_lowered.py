"""ci.coverage-gate-lowered: coverage thresholds below the repository's floor, or announced as lowered."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit
from checks.ci._ci import test_code_outside_ci
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_CI_KINDS = {"gha", "gitlab-ci", "jenkinsfile", "makefile", "shell"}
_CONFIG_NAMES = {
    ".coveragerc", "setup.cfg", "tox.ini", "pytest.ini", "pyproject.toml", "codecov.yml", ".codecov.yml",
    "codecov.yaml", ".codecov.yaml", ".testcoverage.yml", ".testcoverage.yaml", "noxfile.py",
}
_NUM = r"""['"]?(\d+(?:\.\d+)?)\s*%?"""
# (pattern, number is a fraction when <= 1 with a decimal point)
_THRESHOLDS: list[tuple[re.Pattern[str], bool]] = [
    (re.compile(r"--cov-fail-under(?:\s*=\s*|\s+)" + _NUM), False),
    (re.compile(r"(?<![\w-])--fail-under(?:\s*=\s*|\s+)" + _NUM), False),
    (re.compile(r"^\s*fail_under\s*[=:]\s*" + _NUM, re.I), False),
    (re.compile(r"--(?:min(?:imum)?-coverage|coverage-(?:threshold|min|minimum|fail-under)|threshold-total"
                r"|threshold-file|threshold-package|fail-under-line|fail-under-branch)(?:\s*=\s*|\s+)" + _NUM, re.I),
     True),
    (re.compile(r"\b(?:(?:MIN(?:IMUM)?|REQUIRED|TARGET)_?COV(?:ERAGE)?|COV(?:ERAGE)?_?(?:MIN(?:IMUM)?|THRESHOLD"
                r"|FAIL_?UNDER|GATE|FLOOR|REQUIRED|TARGET|LIMIT))['\"]?\s*[:=]\s*" + _NUM, re.I), True),
    # jest `--coverageThreshold='{"global":{"lines":20}}'`, `nyc check-coverage --lines 20`
    (re.compile(r"""coverageThreshold\b[^\n]*?["']?(?:lines|statements|branches|functions)["']?\s*:\s*""" + _NUM),
     False),
    (re.compile(r"\bcheck-coverage\b[^\n|;&]*?--(?:lines|statements|branches|functions)(?:\s*=\s*|\s+)" + _NUM),
     False),
    # shell / script comparisons: `if [ "$COVERAGE" -lt 20 ]`, `echo "$cov < 20" | bc`, `coverage < 20`
    (re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z0-9]+_)*cov(?:erage)?(?:_[A-Za-z0-9]+)*\}?['\"]?\s*\)?\s*(?:<|-lt\b|\blt\b)\s*"
                + _NUM, re.I), True),
]
_CODECOV_TARGET = re.compile(r"^\s*target:\s*" + _NUM + r"\s*$")
_COMMENT = re.compile(r"(?:^|\s)(?:#|//)\s*(.*)$")
_TEMP = re.compile(r"\b(temporar(?:y|ily)|for now|until|todo|fixme|hack|restore|bump (?:it )?back"
                   r"|short[- ]term)\b", re.I)
_LOWER = re.compile(r"\b(lower(?:ed|ing)?|reduc(?:e|ed|ing)|drop(?:ped)?|decreas(?:e|ed)|relax(?:ed)?|"
                    r"disabl(?:e|ed)|bypass(?:ed)?|turn(?:ed)? off|skip(?:ped)?)\b", re.I)
_GATE = re.compile(r"\b(coverage|cov|fail[-_ ]under|threshold|gate)\b", re.I)


# Pipeline files of other CI systems (their YAML has no file kind of its own).
_OTHER_CI = re.compile(
    r"(?:^|/)(?:\.circleci/config|azure-pipelines[\w.-]*|bitbucket-pipelines|\.travis|\.drone|\.woodpecker"
    r"|appveyor|\.?cloudbuild[\w.-]*|\.buildkite/[\w.-]*|\.woodpecker/[\w.-]*|\.tekton/[\w.-]*)\.ya?ml$"
)


def _applies(f: SourceFile) -> bool:
    return (bool(f.kinds & _CI_KINDS) or f.name in _CONFIG_NAMES or f.name.startswith(".coveragerc")
            or bool(_OTHER_CI.search(f.path)))


@rule(
    "ci.coverage-gate-lowered",
    severity="MEDIUM",
    area="ci",
    title="Coverage gate set below the repository's floor",
    why="A coverage gate far below the agreed floor lets untested code merge silently; 'temporary' lowerings "
        "tend to become permanent.",
    fix="Keep the gate at or above the configured floor (`--cov-fail-under=60` or higher) and add tests "
        "instead of lowering it; if it must drop, track the restore in an issue with a date.",
    kinds=_CI_KINDS | {"toml", "ini", "yaml", "text"},
    include_tests=True,  # pipeline files under test folders; other test files are skipped below
    options={"min_coverage": 60},
    example=Example(
        path=".gitlab-ci.yml",
        bad="test:\n  script:\n    - pytest --cov=app --cov-fail-under=20\n",
        good="test:\n  script:\n    - pytest --cov=app --cov-fail-under=80\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if not _applies(f) or test_code_outside_ci(f):
        return
    floor = float(ctx.options.get("min_coverage", 60))
    codecov = "codecov" in f.name
    for number, raw in enumerate(f.lines, start=1):
        code, comment = raw, ""
        stripped = raw.lstrip()
        if stripped.startswith(("#", "//")):
            code, comment = "", stripped.lstrip("#/ ")
        else:
            cm = _COMMENT.search(raw)
            if cm and not re.search(r"['\"][^'\"]*$", raw[: cm.start()]):
                code, comment = raw[: cm.start()], cm.group(1)
        found = None
        patterns = list(_THRESHOLDS)
        if codecov:
            patterns.append((_CODECOV_TARGET, True))
        for pattern, fraction in patterns:
            for m in pattern.finditer(code):
                value = float(m.group(1))
                if fraction and value <= 1 and "." in m.group(1):
                    value *= 100
                if value < floor:
                    found = (m.group(0).strip(), value)
                    break
            if found:
                break
        if found:
            text, value = found
            yield Hit(number, message=f"Coverage gate `{text}` is {value:g}%, below the floor of {floor:g}%")
        elif comment and _TEMP.search(comment) and _LOWER.search(comment) and _GATE.search(comment):
            yield Hit(number, message=f"Comment announces a lowered/disabled coverage gate: \"{comment.strip()[:80]}\"")
