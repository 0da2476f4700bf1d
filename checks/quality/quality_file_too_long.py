"""quality.file-too-long: source files longer than `max_lines` (test files: `max_test_lines`, LOW)."""
from __future__ import annotations

from collections.abc import Iterator

from checks.model import Hit, Severity
from checks.quality._q import is_vendored_or_generated
from checks.registry import Context, Example, rule
from checks.source import SourceFile


@rule(
    "quality.file-too-long",
    severity="MEDIUM",
    area="quality",
    title="Source file is too long",
    why="Very long modules collect unrelated responsibilities, make ownership and review harder, and "
        "tend to hide duplicated logic.",
    fix="Split the module by responsibility (e.g. handlers, service logic, persistence) into separate "
        "files or packages; raise `max_lines` in `.readiness.yml` only for deliberate exceptions.",
    kinds={"python", "go", "js"},
    options={"max_lines": 800, "max_test_lines": 1500},
    file_level=True,
    include_tests=True,
    example=Example(
        path="app/service.py",
        bad="".join(f"X{i} = {i}\n" for i in range(801)),
        good="".join(f"X{i} = {i}\n" for i in range(100)),
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if is_vendored_or_generated(f):
        return
    if f.is_test:
        limit = int(ctx.options.get("max_test_lines", 1500))
    else:
        limit = int(ctx.options.get("max_lines", 800))
    count = len(f.lines)
    if count > limit:
        what = "Test file" if f.is_test else "File"
        # Reported on the first line past the limit (line 1 cannot carry a finding of its own).
        yield Hit(limit + 1, message=f"{what} has {count} lines (limit {limit}); line {limit + 1} is the "
                                     "first one past the limit",
                  severity=Severity.LOW if f.is_test else None)
