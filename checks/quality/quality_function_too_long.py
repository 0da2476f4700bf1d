"""quality.function-too-long: functions whose body is longer than `max_lines`."""
from __future__ import annotations

import ast
from collections.abc import Iterator

from checks.model import Hit, Severity
from checks.lang import golang
from checks.quality._q import go_functions, is_vendored_or_generated, py_body_span
from checks.quality._table import go_table_like, py_table_like
from checks.registry import Context, Example, rule
from checks.source import SourceFile


def _long_py(n: int) -> str:
    return "def handle(event):\n    seen = []\n" + "".join(
        f"    for item in event.get('k{i}', []):\n        seen.append(item)\n" for i in range(n // 2)) + "    return seen\n"


def _severity(length: int, limit: int) -> Severity:
    """MEDIUM only past twice the limit: a few lines over is a nudge, not a review blocker."""
    return Severity.MEDIUM if length > 2 * limit else Severity.LOW


def _py_name(fn: ast.AST, parents: dict[ast.AST, ast.AST]) -> str:
    owner = parents.get(fn)
    name = fn.name  # type: ignore[attr-defined]
    return f"{owner.name}.{name}" if isinstance(owner, ast.ClassDef) else name


@rule(
    "quality.function-too-long",
    severity="MEDIUM",
    area="quality",
    title="Function is too long",
    why="Long functions mix several responsibilities, are hard to test in isolation and hide error-handling "
        "mistakes in review.",
    fix="Split the function into smaller named steps (parsing, validation, side effects) with their own "
        "tests; raise `max_lines` in `.readiness.yml` only for deliberate exceptions. Table-like bodies (a "
        "literal mapping, a flat list of assignments or field copies, a linear config loader) are not "
        "reported; a body up to twice `max_lines` is LOW, longer is MEDIUM.",
    kinds={"python", "go"},
    options={"max_lines": 60},
    example=Example(path="app/handlers.py", bad=_long_py(70), good=_long_py(10)),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    limit = int(ctx.options.get("max_lines", 60))
    if is_vendored_or_generated(f):
        return
    if "python" in f.kinds:
        parents = f.python_parents
        for fn in f.python_of(ast.FunctionDef, ast.AsyncFunctionDef):
            start, end = py_body_span(fn)
            length = end - start + 1
            if length > limit and not py_table_like(fn):
                yield Hit(fn.lineno, severity=_severity(length, limit), subject=f"func:{_py_name(fn, parents)}",
                          message=f"Function `{fn.name}` has a {length}-line body (from the first statement "
                                  f"after the signature and docstring to its end; limit {limit})")
    elif "go" in f.kinds:
        for name, node, body in go_functions(f.go):
            # Lines strictly between the opening `{` and closing `}` of the body.
            length = golang.end_line(body) - golang.line(body) - 1
            if length > limit and not go_table_like(body):
                yield Hit(golang.line(node), severity=_severity(length, limit), subject=f"func:{name}",
                          message=f"Function `{name}` has a {length}-line body (between its braces; "
                                  f"limit {limit})")
