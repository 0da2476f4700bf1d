"""`coverage:` in .readiness.yml: targets, `never`, report globs, errors naming the line."""
from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from bot.config import ConfigError, CoverageSettings, load_text
from bot.config_schema import SCHEMA_PATH

TEXT = "coverage:\n  reports: [coverage.xml]\n  patch: 90\n  package: never\n  prefixes: [packages/web]\n"


def test_settings_and_defaults() -> None:
    assert load_text("fail_on: high\n").coverage == CoverageSettings(patch=80.0, package=60.0)
    assert load_text(TEXT).coverage == CoverageSettings(reports=("coverage.xml",), patch=90.0, package=None,
                                                        prefixes=("packages/web",))


@pytest.mark.parametrize("text, line, message", [
    ("coverage:\n  patch: 120\n", 2, "coverage.patch must be a percentage from 0 to 100, or never"),
    ("coverage:\n  package: lots\n", 2, "coverage.package must be a percentage"),
    ("coverage:\n  reports: coverage.xml\n", 2, "coverage.reports must be a list of paths"),
    ("coverage:\n  minimum: 3\n", 2, "unknown coverage setting 'minimum'"),
    ("coverage: 80\n", 1, "coverage must be a mapping"),
])
def test_errors_name_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_text(text)
    assert err.value.line == line and message in err.value.problem


def test_the_json_schema_accepts_what_the_loader_accepts() -> None:
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.validate(yaml.safe_load(TEXT), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"coverage": {"patch": 120}}, schema)
