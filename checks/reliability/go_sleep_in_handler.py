"""go.sleep-in-handler: time.Sleep in error paths, request handlers or loops."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang as g
from checks.registry import Context, Example, rule
from checks.reliability import _go
from checks.source import SourceFile

_BACKOFF = re.compile(r"backoff|retry|retries|jitter", re.I)
_ERR_COND = re.compile(r"\berr\w*\s*!=\s*nil|\bnil\s*!=\s*err\w*|\bErr\w*\s*!=\s*nil", re.I)


def _context(call: g.Node, imps: dict[str, str]) -> str | None:
    """Why this sleep is in a bad place ('error branch', 'handler X', 'loop'), else None."""
    node = call
    reason = None
    for a in g.ancestors(node):
        if a.type in _go.FUNC_TYPES:
            if a.type != "func_literal" and _go.is_handler(a, imps):
                return reason or f"HTTP handler `{g.func_name(a)}`"
            if a.type == "func_literal" and _go.is_handler(a, imps):
                return reason or "an HTTP handler"
            # reasons count only inside the innermost function; a goroutine does not block its parent
            if reason:
                return reason
            parent = a.parent
            if parent is not None and parent.type == "call_expression" and parent.parent is not None \
                    and parent.parent.type == "go_statement":
                return None
            continue
        if reason:
            continue
        if a.type == "if_statement":
            cond = a.child_by_field_name("condition")
            cons = a.child_by_field_name("consequence")
            if cons is not None and _go.inside(call, cons) and _ERR_COND.search(g.text(cond)):
                reason = "an `if err != nil` branch"
        elif a.type == "for_statement":
            reason = "a loop"
    return reason


def _grows(call: g.Node, arg: g.Node) -> bool:
    """An exponential backoff written inline: `1<<attempt`, or a delay variable doubled in the function."""
    txt = g.text(arg)
    if "<<" in txt or "math.Pow" in txt:
        return True
    if arg.type != "identifier":
        return False
    fn = _go.enclosing_func(call)
    if fn is None:
        return False
    for a in g.walk(fn, "assignment_statement"):
        left = g.text(a.child_by_field_name("left"))
        op = g.text(a.child_by_field_name("operator"))
        right = g.text(a.child_by_field_name("right"))
        if left == txt and (op in ("*=", "<<=") or (op == "=" and re.search(rf"\b{re.escape(txt)}\b\s*(\*|<<)", right))):
            return True
    return False


# Functions that run once before the service starts serving.
_STARTUP = re.compile(r"^(?:main|init|[Nn]ew\w*|[Ss]etup\w*|[Ii]nit\w*|[Cc]onnect\w*|[Oo]pen\w*|[Ss]tart\w*|"
                      r"[Ww]ait\w*|[Bb]ootstrap\w*|[Mm]igrate\w*|[Dd]ial\w*|[Mm]ust\w*|[Rr]un)$")


def _bounded(loop: g.Node) -> bool:
    """`for i := 0; i < n; i++`, `for range 5`, `for attempt <= maxAttempts`: a loop that gives up."""
    clause = next((c for c in loop.named_children if c.type in ("for_clause", "range_clause")), None)
    if clause is not None and clause.type == "for_clause":
        return clause.child_by_field_name("condition") is not None
    if clause is not None:  # range over an integer or a fixed list of attempts
        right = g.text(clause.child_by_field_name("right"))
        return bool(re.fullmatch(r"\d+|\w*(?:[Rr]etr\w*|[Aa]ttempt\w*|[Mm]ax\w*|[Tt]ries)", right))
    cond = next((c for c in loop.named_children if c.type == "binary_expression"), None)
    return cond is not None and re.search(r"<=?|>=?", g.text(cond.child_by_field_name("operator"))) is not None


def _startup_retry(call: g.Node, imps: dict[str, str]) -> bool:
    """A bounded retry loop in code that runs once before serving (`main`, `init`, `connectDB`...)."""
    loop = _go.enclosing(call, ("for_statement",) + _go.FUNC_TYPES)
    if loop is None or loop.type != "for_statement" or not _bounded(loop):
        return False
    fn = _go.enclosing(call, _go.NAMED_FUNC_TYPES)
    return fn is not None and not _go.is_handler(fn, imps) and _STARTUP.match(g.func_name(fn)) is not None


@rule(
    "go.sleep-in-handler",
    severity="MEDIUM",
    area="reliability",
    title="time.Sleep in an error path, handler or loop",
    why="A fixed `time.Sleep` blocks the goroutine without honouring cancellation: handlers hold "
        "connections past client timeouts, error paths retry in lockstep, and polling loops "
        "cannot be stopped on shutdown.",
    fix="Use a `time.Ticker`/`time.NewTimer` in a `select` with `<-ctx.Done()`, or a backoff helper "
        "(e.g. `cenkalti/backoff`, `wait.ExponentialBackoff`) with jitter and a context. Bounded retry loops in "
        "code that runs once before serving (`main`, `init`, `connectDB`-style setup) are not reported.",
    kinds={"go"},
    example=Example(
        path="internal/worker/poll.go",
        bad='package worker\n\nimport "time"\n\nfunc Poll(fetch func() error) {\n\tfor {\n'
            '\t\tif err := fetch(); err != nil {\n\t\t\ttime.Sleep(5 * time.Second)\n\t\t}\n\t}\n}\n',
        good='package worker\n\nimport (\n\t"context"\n\t"time"\n)\n\nfunc Poll(ctx context.Context, fetch func() error) {\n'
             '\tt := time.NewTicker(5 * time.Second)\n\tdefer t.Stop()\n\tfor {\n\t\tselect {\n'
             '\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase <-t.C:\n\t\t\t_ = fetch()\n\t\t}\n\t}\n}\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if _go.not_service_code(f):
        return
    if _go.is_tool_path(f.path):
        return
    root = f.go
    imps = g.imports(root)
    if "time" not in imps.values():
        return
    for call in g.walk(root, "call_expression"):
        if _go.call_qual(call, imps) != "time.Sleep":
            continue
        args = g.call_args(call)
        if args and (_BACKOFF.search(g.text(args[0])) or _grows(call, args[0])):
            continue
        if any(_BACKOFF.search(n) for n in _go.func_names_around(call)):
            continue
        if _go.enclosing_func(call) is None or _startup_retry(call, imps):
            continue
        where = _context(call, imps)
        if where:
            yield Hit(g.line(call), message=f"`{g.call_name(call)}({g.text(args[0]) if args else ''})` "
                                            f"inside {where} blocks without honouring cancellation")
