"""GitHub's official contracts for the fake: OpenAPI request validation and GraphQL validation."""
from __future__ import annotations

import functools
import json
from pathlib import Path

import graphql
import openapi_core
from openapi_core.testing import MockRequest

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts" / "github"
SPEC_HOST = "https://api.github.com"  # openapi-core matches servers: always this host


@functools.lru_cache(maxsize=1)
def spec_dict() -> dict:
    return json.loads((CONTRACTS / "openapi-subset.json").read_text())


@functools.lru_cache(maxsize=1)
def openapi() -> openapi_core.OpenAPI:
    return openapi_core.OpenAPI.from_dict(spec_dict())


@functools.lru_cache(maxsize=1)
def schema() -> graphql.GraphQLSchema:
    sdl = (CONTRACTS / "graphql" / "schema.graphql").read_text()
    return graphql.build_schema(sdl, assume_valid=True, assume_valid_sdl=True)


def example(name: str) -> dict:
    """A deep copy of a response example of the description (`components.examples[name].value`)."""
    return json.loads(json.dumps(spec_dict()["components"]["examples"][name]["value"]))


def rest_errors(method: str, path: str, query: dict, body: bytes | None, content_type: str | None) -> list[str]:
    """Problems openapi-core finds with a request ([] when GitHub's description allows it)."""
    req = MockRequest(SPEC_HOST, method.lower(), path, args=query, data=body or None,
                      content_type=content_type or "application/json")
    result = openapi().unmarshal_request(req)
    out = []
    for err in result.errors:
        detail = "; ".join(str(e) for e in getattr(err, "schema_errors", []) or [])
        out.append(f"{type(err).__name__}: {err} {detail}".strip())
    return out


def graphql_errors(document: graphql.DocumentNode) -> list[str]:
    return [e.message for e in graphql.validate(schema(), document)]


def webhook(name: str) -> dict:
    return json.loads((CONTRACTS / "webhooks" / f"{name}.json").read_text())


def webhook_bytes(name: str) -> bytes:
    return (CONTRACTS / "webhooks" / f"{name}.json").read_bytes()
