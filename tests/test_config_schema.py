"""The JSON Schema of `.readiness.yml`: generated from the registry, and every documented example fits it."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.config import _TOP_KEYS, ConfigError, load_text
from bot.config_schema import SCHEMA_PATH, render_schema
from checks import all_rules

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_YAML_BLOCK = re.compile(r"^```ya?ml[^\n]*\n(.*?)^```", re.S | re.M)


def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def config_examples() -> list[tuple[str, str]]:
    """YAML blocks of the docs that are `.readiness.yml` files: only top-level settings of the config."""
    out = []
    for path in DOCS:
        for i, m in enumerate(_YAML_BLOCK.finditer(path.read_text(encoding="utf-8"))):
            try:
                docs = list(yaml.safe_load_all(m.group(1)))
            except yaml.YAMLError:  # rule examples of broken files, templated YAML: not a config
                continue
            data = docs[0] if len(docs) == 1 else None
            if isinstance(data, dict) and data and set(data) <= _TOP_KEYS:
                out.append((f"{path.name}#{i + 1}", m.group(1)))
    return out


def test_schema_is_valid_and_current():
    jsonschema.Draft202012Validator.check_schema(schema())
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema(), \
        "stale schema: run `python -m bot.config_schema > bot/schemas/readiness.schema.json`"


def test_rule_id_enum_is_the_registry():
    rules = schema()["properties"]["rules"]
    assert rules["propertyNames"]["enum"] == sorted(all_rules())
    assert set(rules["properties"]) == set(all_rules())


def test_docs_have_config_examples():
    names = {name.split("#")[0] for name, _ in config_examples()}
    assert {"README.md", "configuration.md"} <= names


@pytest.mark.parametrize("name,text", config_examples(), ids=[n for n, _ in config_examples()])
def test_doc_example_fits_schema_and_loads(name, text):
    jsonschema.validate(yaml.safe_load(text), schema(), cls=jsonschema.Draft202012Validator)
    load_text(text, path=name)


@pytest.mark.parametrize("text", [
    "fail_on: sometimes\n",
    "scope: everything\n",
    "max_inline_comments: -1\n",
    "colour: blue\n",
    "rules:\n  no.such-rule: off\n",
    "rules:\n  quality.function-too-long:\n    max_lenght: 80\n",
    "rules:\n  quality.function-too-long:\n    max_lines: eighty\n",
    "paths:\n  include: [a]\n",
])
def test_schema_and_loader_reject_the_same_mistakes(text):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yaml.safe_load(text), schema(), cls=jsonschema.Draft202012Validator)
    with pytest.raises(ConfigError):
        load_text(text)


def test_project_config_fits_the_schema():
    text = (ROOT / ".readiness.yml").read_text(encoding="utf-8")
    jsonschema.validate(yaml.safe_load(text), schema(), cls=jsonschema.Draft202012Validator)
    load_text(text)
