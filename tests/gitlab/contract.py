"""GitLab's contracts for the fake: request-body JSON Schemas and the required fields of answers."""
from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts" / "gitlab"
REQUESTS = {  # (method, route kind) -> request schema
    ("POST", "discussions"): "discussions.create",
    ("PUT", "discussion"): "discussions.resolve",
    ("POST", "notes"): "notes.create",
    ("PUT", "note"): "notes.update",
    ("POST", "statuses"): "statuses.create",
}


@functools.lru_cache(maxsize=None)
def _load(relative: str) -> dict:
    return json.loads((CONTRACTS / relative).read_text())


def request_errors(method: str, kind: str, body) -> list[str]:
    """What GitLab's documented parameters do not allow in this JSON body ([] when fine)."""
    name = REQUESTS.get((method, kind))
    if name is None:
        return []
    validator = jsonschema.Draft7Validator(_load(f"requests/{name}.schema.json"))
    return [f"{'/'.join(map(str, e.absolute_path)) or '<body>'}: {e.message}"
            for e in validator.iter_errors(body)]


def missing_fields(schema_name: str, instance) -> list[str]:
    """Fields GitLab's own response schema requires that an answer lacks (top level, and per array item)."""
    schema = _load(f"schemas/{schema_name}.json")
    if schema.get("type") == "array":
        items = instance if isinstance(instance, list) else [instance]
        return sorted({k for item in items for k in schema["items"].get("required", []) if k not in item})
    return sorted(k for k in schema.get("required", []) if k not in instance)


def webhook(name: str) -> dict:
    return json.loads((CONTRACTS / "webhooks" / f"{name}.json").read_text())


def response(name: str) -> dict | list:
    return json.loads((CONTRACTS / "responses" / f"{name}.json").read_text())
