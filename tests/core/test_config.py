"""`.readiness.yml`: defaults, every setting, and errors that name the line."""
from __future__ import annotations

import pytest

from bot.config import Config, ConfigError, load_text, matches_any
from bot.models import Severity


def test_empty_config_gives_defaults() -> None:
    assert load_text(None) == Config()
    assert load_text("   \n# only a comment\n") == Config()
    c = Config()
    assert (c.fail_on, c.scope, c.max_inline_comments, c.review_drafts) == (Severity.HIGH, "new", 25, False)


def test_full_config() -> None:
    c = load_text(
        "fail_on: medium\n"
        "scope: diff_context\n"
        "max_inline_comments: 10\n"
        "review_drafts: true\n"
        "paths:\n  exclude: ['docs/', '*.generated.go']\n"
        "rules:\n"
        "  docker.root-user: off\n"
        "  quality.file-too-long: {max_lines: 1200, severity: low}\n"
    )
    assert c.fail_on == Severity.MEDIUM and c.scope == "diff_context"
    assert c.max_inline_comments == 10 and c.review_drafts is True
    assert c.is_excluded("docs/x.md") and c.is_excluded("pkg/a.generated.go")
    assert not c.settings("docker.root-user").enabled
    s = c.settings("quality.file-too-long")
    assert s.severity == Severity.LOW and s.options == {"max_lines": 1200}


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("fail_on: high\nbogus: 1\n", 2, "unknown setting 'bogus'"),
        ("fail_on: severe\n", 1, "unknown severity"),
        ("scope: everything\n", 1, "scope must be one of"),
        ("rules:\n  docker.rootuser: off\n", 2, "unknown rule id 'docker.rootuser'"),
        ("rules:\n  docker.root-user:\n    severity: huge\n", 3, "unknown severity"),
        ("rules:\n  docker.root-user:\n    max_lines: 3\n", 3, "unknown option 'max_lines'"),
        ("rules:\n  quality.file-too-long:\n    max_lines: lots\n", 3, "must be int"),
        ("paths:\n  include: [a]\n", 2, "unknown paths setting"),
        ("paths:\n  exclude: docs/\n", 2, "must be a list"),
        ("max_inline_comments: -1\n", 1, "whole number"),
        ("fail_on: [high\n", 2, "not valid YAML"),
        ("- a\n- b\n", 1, "top level must be a mapping"),
        ("? [a, b]\n: 1\n", 1, "expected a name here"),
        ("rules:\n  ? {docker.root-user: 1}\n  : off\n", 2, "expected a name here"),
        ("fail_on: !!int high\n", 1, "cannot read this value"),
        ("rules:\n  docker.root-user:\n    enabled: !!bool maybe\n", 3, "cannot read this value"),
    ],
)
def test_errors_name_the_line(text: str, line: int, needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_text(text)
    assert info.value.line == line, str(info.value)
    assert needle in str(info.value)
    assert str(info.value).startswith(f".readiness.yml:{line}: ")


def test_error_quotes_the_source_line() -> None:
    with pytest.raises(ConfigError) as info:
        load_text("fail_on: high\nrulez:\n  x: off\n")
    assert info.value.source_line == "rulez:"


def test_fail_on_never() -> None:
    assert load_text("fail_on: never\n").fail_on is None


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("tests/fixtures/a.py", "tests/fixtures/", True),
        ("src/tests/fixtures/a.py", "tests/fixtures/", False),
        ("a/node_modules/x.js", "node_modules/", True),
        ("x/y.min.js", "*.min.js", True),
        ("docs/a/b.md", "docs/**/*.md", True),
        ("src/gen.py", "/gen.py", False),
        ("gen.py", "/gen.py", True),
        ("build", "build/", False),
    ],
)
def test_gitignore_style_patterns(path: str, pattern: str, expected: bool) -> None:
    assert matches_any(path, [pattern]) is expected
