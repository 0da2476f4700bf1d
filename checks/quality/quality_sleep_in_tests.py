"""quality.sleep-in-tests: fixed sleeps used to synchronise tests (flaky and slow)."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang
from checks.lang.python import call_name, const_value
from checks.lang.text import split_lines
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_PY_SLEEPS = {"time.sleep", "asyncio.sleep", "trio.sleep", "anyio.sleep", "gevent.sleep", "eventlet.sleep"}
_JS_LINE_COMMENT = re.compile(r"(^|\s)//.*$")
_JS_SLEEP = re.compile(
    r"new\s+Promise\s*\(\s*(?:\(\s*\w*\s*\)|\w+)\s*=>\s*setTimeout\s*\("
    r"|\bawait\s+(?:sleep|delay|wait|timeout)\s*\(\s*\d"
    r"|\.waitForTimeout\s*\("
    r"|\bcy\.wait\s*\(\s*\d"
)


def _py_sleeps(f: SourceFile) -> list[int]:
    imports = f.python_imports
    lines = []
    for node in f.python_of(ast.Call):
        if call_name(node, imports) in _PY_SLEEPS:
            arg = node.args[0] if node.args else None
            if arg is None and node.keywords:
                arg = node.keywords[0].value
            if const_value(arg) in (0, 0.0):
                continue  # sleep(0) only yields to the event loop
            lines.append(node.lineno)
    return lines


def _go_sleeps(f: SourceFile) -> list[int]:
    root = f.go
    names = {local for local, path in golang.imports(root).items() if path == "time"}
    lines = []
    for call in golang.walk(root, "call_expression"):
        fn = golang.call_name(call)
        pkg, _, attr = fn.partition(".")
        if attr == "Sleep" and pkg in names:
            lines.append(golang.line(call))
    return lines


def _js_sleeps(f: SourceFile) -> list[int]:
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), f.text, flags=re.S)
    lines = []
    for number, line in enumerate(split_lines(text), start=1):
        code = _JS_LINE_COMMENT.sub("", line)
        if _JS_SLEEP.search(code):
            lines.append(number)
    return lines


@rule(
    "quality.sleep-in-tests",
    severity="LOW",
    area="quality",
    title="Fixed sleep used to synchronise a test",
    why="Sleeping for a fixed time makes tests slow when the wait is generous and flaky when the machine "
        "is loaded; the race it hides is still there.",
    fix="Wait for the condition instead: poll with a deadline (`require.Eventually`, `assert_eventually`, "
        "`asyncio.wait_for`), synchronise on channels/events, or inject a fake clock.",
    kinds={"python", "go", "js"},
    include_tests=True,
    # Python: a *.sleep name; Go: time.Sleep; JS: setTimeout, waitForTimeout, await sleep/wait, cy.wait
    prefilter=("sleep", "Sleep", "setTimeout", "wait"),
    example=Example(
        path="tests/test_worker.py",
        bad="import time\n\ndef test_worker(worker):\n    worker.start()\n    time.sleep(2)\n"
            "    assert worker.done\n",
        good="def test_worker(worker):\n    worker.start()\n    assert worker.wait_done(timeout=5)\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if not f.is_test:
        return
    if "python" in f.kinds:
        lines = _py_sleeps(f)
        call = "a fixed sleep (`time.sleep`/`asyncio.sleep`)"
    elif "go" in f.kinds:
        lines = _go_sleeps(f)
        call = "`time.Sleep`"
    elif "js" in f.kinds:
        lines = _js_sleeps(f)
        call = "a timer-based sleep"
    else:
        return
    if lines:
        lines.sort()
        n = len(lines)
        yield Hit(lines[0], message=f"This test file waits with {call} {n} time{'s' if n != 1 else ''} "
                                    f"(first here) instead of waiting for a condition")
