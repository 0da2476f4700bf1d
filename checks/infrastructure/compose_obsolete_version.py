"""compose.obsolete-version: the top-level `version:` key of a Compose file."""
from __future__ import annotations

from collections.abc import Iterator

from checks.model import Hit
from checks.lang.yamlast import YMap
from checks.registry import Context, Example, rule
from checks.source import SourceFile


@rule(
    "compose.obsolete-version",
    severity="LOW",
    area="infrastructure",
    title="Obsolete top-level `version:` in a Compose file",
    why="The Compose Specification ignores `version:`; current Docker Compose warns about it on every run, "
        "and it suggests file-format limits that no longer apply.",
    fix="Delete the top-level `version:` line.",
    kinds={"compose"},
    example=Example(
        path="docker-compose.yml",
        bad='version: "3.8"\nservices:\n  web:\n    image: nginx:1.27-alpine\n',
        good='services:\n  web:\n    image: nginx:1.27-alpine\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    for doc in f.yaml_docs:
        if isinstance(doc, YMap) and "version" in doc:
            yield Hit(doc.key_lines["version"],
                      message=f"Top-level `version: {doc['version']}` is obsolete in the Compose Specification")
