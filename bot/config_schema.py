"""The JSON Schema of `.readiness.yml`, generated from the rule registry (editors use it for completion).

Regenerate after adding a rule or an option:
    python -m bot.config_schema > bot/schemas/readiness.schema.json
A test fails when the committed file differs from what this module generates.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.config import SCOPES

SCHEMA_PATH = Path(__file__).parent / "schemas" / "readiness.schema.json"
SCHEMA_ID = "https://github.com/readiness-bot/readiness/blob/main/bot/schemas/readiness.schema.json"
SEVERITIES = ("critical", "high", "medium", "low")
# PyYAML reads unquoted off/on as booleans; editors (YAML 1.2) read them as strings: accept both
_PERCENT = {"type": "number", "minimum": 0, "maximum": 100}
_SWITCHES = [False, True, "off", "on", "disabled", "enabled"]


def _cases(values: tuple[str, ...]) -> list[str]:
    return [*values, *(v.upper() for v in values)]


def _option_schema(default: Any) -> dict:
    if isinstance(default, bool):
        kind: dict = {"type": "boolean"}
    elif isinstance(default, (int, float)):
        kind = {"type": "number"}
    elif isinstance(default, (list, tuple)):
        kind = {"type": "array"}
        if all(isinstance(v, str) for v in default):
            kind["items"] = {"type": "string"}
    elif isinstance(default, dict):
        kind = {"type": "object"}
    elif isinstance(default, str):
        kind = {"type": "string"}
    else:
        kind = {}
    return {**kind, "default": list(default) if isinstance(default, tuple) else default}


def _rule_schema(rule) -> dict:
    props: dict[str, Any] = {
        "severity": {"description": "report this rule's findings at this severity instead",
                     "enum": _cases(SEVERITIES)},
        "enabled": {"type": "boolean", "default": True},
    }
    for name, default in sorted((rule.options or {}).items()):
        props[name] = _option_schema(default)
    settings = {"type": "object", "properties": props, "additionalProperties": False}
    return {"description": f"{rule.severity.name}: {rule.title}",
            "oneOf": [{"enum": _SWITCHES}, settings]}


def build_schema(rules: Mapping[str, Any]) -> dict:
    ids = sorted(rules)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": ".readiness.yml",
        "description": "Configuration of the readiness production-readiness review (docs/configuration.md).",
        "type": ["object", "null"],
        "additionalProperties": False,
        "properties": {
            "fail_on": {"description": "exit 1 / fail the check when a finding is at or above this severity",
                        "enum": _cases((*SEVERITIES, "never")), "default": "high"},
            "scope": {"description": "which findings the change owns: new (present at the head, absent at the "
                               "merge base), added (on added lines), diff_context (in the hunks), file (whole files)",
                      "enum": list(SCOPES), "default": "new"},
            "baseline": {"description": "a baseline file (`readiness baseline`) whose findings are not reported; "
                                        "the bots read it from the base branch", "type": "string", "minLength": 1},
            "max_inline_comments": {"description": "inline comments per push; the rest go to the summary",
                                    "type": "integer", "minimum": 0, "default": 25},
            "review_drafts": {"description": "review draft pull/merge requests too",
                              "type": "boolean", "default": False},
            "coverage": {
                "description": "coverage reports and targets (docs/coverage.md)",
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "reports": {"description": "coverage report files or globs, from the repository root",
                                "type": "array", "items": {"type": "string"}},
                    "patch": {"description": "target % of added executable lines run by tests, or never",
                              "oneOf": [_PERCENT, {"enum": ["never"]}], "default": 80},
                    "package": {"description": "target % per package, or never",
                                "oneOf": [_PERCENT, {"enum": ["never"]}], "default": 60},
                    "prefixes": {"description": "source roots report paths may be relative to",
                                 "type": "array", "items": {"type": "string"}},
                },
            },
            "paths": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "exclude": {"description": "gitignore-style patterns of files never reviewed",
                                "type": "array", "items": {"type": "string"}},
                    "tests": {"description": "gitignore-style patterns of files that are test code (rules that "
                                             "skip test code skip them), besides the built-in test folders",
                              "type": "array", "items": {"type": "string"}},
                },
            },
            "rules": {
                "description": "per rule: `off`, or a mapping of severity / enabled / the rule's options",
                "type": "object",
                "propertyNames": {"enum": ids},
                "properties": {rid: _rule_schema(rules[rid]) for rid in ids},
            },
        },
    }


def render_schema(rules: Mapping[str, Any] | None = None) -> str:
    if rules is None:
        from checks import all_rules

        rules = all_rules()
    return json.dumps(build_schema(rules), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(render_schema())
