"""quality.function-too-long: functions whose body is longer than `max_lines`."""
from __future__ import annotations

import ast
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang
from checks.quality._q import go_functions, is_vendored_or_generated, py_body_span
from checks.registry import Context, Example, rule
from checks.source import SourceFile


def _long_py(n: int) -> str:
    return "def handle(event):\n" + "".join(f"    step{i} = event.get('k{i}')\n" for i in range(n)) + \
        "    return step0\n"


@rule(
    "quality.function-too-long",
    severity="MEDIUM",
    area="quality",
    title="Function is too long",
    why="Long functions mix several responsibilities, are hard to test in isolation and hide error-handling "
        "mistakes in review.",
    fix="Split the function into smaller named steps (parsing, validation, side effects) with their own "
        "tests; raise `max_lines` in `.readiness.yml` only for deliberate exceptions such as table-driven code.",
    kinds={"python", "go"},
    options={"max_lines": 50},
    example=Example(path="app/handlers.py", bad=_long_py(60), good=_long_py(10)),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    limit = int(ctx.options.get("max_lines", 50))
    if is_vendored_or_generated(f):
        return
    if "python" in f.kinds:
        for fn in f.python_of(ast.FunctionDef, ast.AsyncFunctionDef):
            start, end = py_body_span(fn)
            length = end - start + 1
            if length > limit:
                yield Hit(fn.lineno, message=f"Function `{fn.name}` has a {length}-line body (from the first "
                                             f"statement after the signature and docstring to its end; "
                                             f"limit {limit})")
    elif "go" in f.kinds:
        for name, node, body in go_functions(f.go):
            # Lines strictly between the opening `{` and closing `}` of the body.
            length = golang.end_line(body) - golang.line(body) - 1
            if length > limit:
                yield Hit(golang.line(node), message=f"Function `{name}` has a {length}-line body (between "
                                                     f"its braces; limit {limit})")
