"""go.goroutine-leak: goroutines that block forever on a bare channel send."""
from __future__ import annotations

from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang as g
from checks.registry import Context, Example, rule
from checks.reliability import _go
from checks.source import SourceFile


def _select_is_safe(select: g.Node) -> bool:
    """A select with a `default:` or any receive case (ctx.Done(), done, quit, time.After) can give up."""
    for case in select.named_children:
        if case.type == "default_case":
            return True
        if case.type == "communication_case":
            comm = case.child_by_field_name("communication")
            if comm is not None and comm.type == "receive_statement":
                return True
    return False


def _guarded(send: g.Node) -> bool:
    p = send.parent
    if p is not None and p.type == "communication_case" and p.child_by_field_name("communication") == send:
        sel = p.parent
        return sel is not None and sel.type == "select_statement" and _select_is_safe(sel)
    return False


def _make_capacity(fn: g.Node, chan: str, imps: dict[str, str]) -> tuple[g.Node, g.Node | None] | None:
    """(declaration, capacity expr or None) of `chan := make(chan T[, cap])` in fn (not nested funcs)."""
    body = _go.body(fn)
    if body is None:
        return None
    for decl in _go.walk_same_func(body, "short_var_declaration", "assignment_statement", "var_spec"):
        left = decl.child_by_field_name("left") or decl.child_by_field_name("name")
        right = decl.child_by_field_name("right") or decl.child_by_field_name("value")
        if left is None or right is None:
            continue
        lefts = left.named_children if left.type == "expression_list" else [left]
        rights = right.named_children if right.type == "expression_list" else [right]
        for lv, rv in zip(lefts, rights, strict=False):
            if g.text(lv) != chan or rv.type != "call_expression" or g.call_name(rv) != "make":
                continue
            args = g.call_args(rv)
            if not args or args[0].type != "channel_type":
                continue
            return decl, (args[1] if len(args) > 1 else None)
    return None


def _drained(fn: g.Node, chan: str, go_stmt: g.Node) -> str:
    """How the parent function drains `chan` after starting the goroutine: 'range', 'recv' or ''.

    'range' is a `for v := range chan` with no early exit; 'recv' is a `<-chan` outside any `select`
    (a select with another case is the classic leak: the other case wins and nobody receives).
    """
    body = _go.body(fn)
    if body is None:
        return ""
    found = ""
    for n in g.walk(body, "unary_expression", "for_statement"):
        if _go.inside(n, go_stmt):
            continue
        lit = _go.enclosing(n, ("func_literal",))
        deferred = False
        if lit is not None and _go.inside(lit, body):
            # receives in nested closures count only when the closure is deferred (runs on return)
            p = lit.parent
            deferred = p is not None and p.type == "call_expression" and p.parent is not None and \
                p.parent.type == "defer_statement"
            if not deferred:
                continue
        if n.start_byte < go_stmt.end_byte and not deferred:
            continue
        if n.type == "for_statement":
            rng = next((c for c in n.named_children if c.type == "range_clause"), None)
            if rng is not None and g.text(rng.child_by_field_name("right")) == chan:
                loop_body = n.child_by_field_name("body")
                exits = list(_go.walk_same_func(loop_body, "return_statement", "break_statement",
                                                "goto_statement")) if loop_body is not None else []
                if not exits:
                    return "range"
            continue
        if g.text(n.child_by_field_name("operator")) != "<-" or \
                g.text(n.child_by_field_name("operand")) != chan:
            continue
        sel = _go.enclosing(n, ("select_statement",))
        if sel is None or not _go.inside(sel, body):
            if _returns_between(body, go_stmt, n):
                continue  # an early `return` can skip this receive
            loop = _go.enclosing(n, ("for_statement",))
            if loop is not None and _go.inside(loop, body) and not _go.inside(go_stmt, loop):
                return "recv-loop"
            found = "recv"
    return found


def _returns_between(body: g.Node, go_stmt: g.Node, recv: g.Node) -> bool:
    """A `return` of the parent function between starting the goroutine and receiving from it."""
    for r in _go.walk_same_func(body, "return_statement"):
        if go_stmt.end_byte <= r.start_byte < recv.start_byte and not _go.inside(recv, r):
            return True
    return False


def _path_sends(node: g.Node, sends: set[int]) -> int:
    """Most sends (from `sends`, by node id) one execution of `node` can make: branches count once."""
    if node.id in sends:
        return 1
    kids = [c for c in node.named_children if c.type != "func_literal"]
    if node.type in ("select_statement", "expression_switch_statement", "type_switch_statement"):
        return max((_path_sends(c, sends) for c in kids), default=0)
    if node.type == "if_statement":
        cons = node.child_by_field_name("consequence")
        alt = node.child_by_field_name("alternative")
        return max(_path_sends(cons, sends) if cons is not None else 0,
                   _path_sends(alt, sends) if alt is not None else 0)
    return sum(_path_sends(c, sends) for c in kids)


def _returned(fn: g.Node, chan: str) -> bool:
    """The function hands the channel to its caller (`return ch`), who is expected to receive."""
    body = _go.body(fn)
    if body is None:
        return False
    for r in _go.walk_same_func(body, "return_statement"):
        for e in r.named_children:
            vals = e.named_children if e.type == "expression_list" else [e]
            if any(g.text(v) == chan for v in vals):
                return True
    return False


def _is_recv(n: g.Node, chan: str) -> bool:
    return n.type == "unary_expression" and g.text(n.child_by_field_name("operator")) == "<-" and \
        g.text(n.child_by_field_name("operand")) == chan


def _receives(body: g.Node, chan: str) -> bool:
    """The goroutine itself takes a value back (a semaphore: `sem <- x` then `defer func() { <-sem }()`)."""
    for n in _go.walk_same_func(body, "unary_expression", "defer_statement"):
        if n.type == "defer_statement":
            if any(_is_recv(r, chan) for r in g.walk(n, "unary_expression")):
                return True
        elif _is_recv(n, chan):
            return True
    return False


def _consumer_goroutine(outer: g.Node, chan: str, sender: g.Node) -> bool:
    """Another goroutine of the same function loops receiving from `chan` (a collector/fan-in reader)."""
    for go_stmt in g.walk(outer, "go_statement"):
        if go_stmt.id == sender.id or _go.inside(sender, go_stmt) or _go.inside(go_stmt, sender):
            continue
        for loop in g.walk(go_stmt, "for_statement"):
            rng = next((c for c in loop.named_children if c.type == "range_clause"), None)
            if rng is not None and g.text(rng.child_by_field_name("right")) == chan:
                return True
            if any(_is_recv(r, chan) for r in g.walk(loop, "unary_expression")):
                return True
    return False


def _passed_channels(lit: g.Node, call: g.Node) -> dict[str, str]:
    """`go func(out chan<- T) {...}(results)`: parameter name -> the caller's channel variable."""
    params = lit.child_by_field_name("parameters")
    names = [g.text(n) for p in (params.named_children if params is not None else [])
             if p.type == "parameter_declaration" for n in p.children_by_field_name("name")]
    args = g.call_args(call)
    return {n: g.text(a) for n, a in zip(names, args, strict=False) if a.type == "identifier"}


@rule(
    "go.goroutine-leak",
    severity="HIGH",
    area="reliability",
    title="Goroutine can block forever on a channel send",
    why="A goroutine that sends on an unbuffered or caller-owned channel outside a `select` blocks "
        "forever once the receiver has returned (timeout, error, cancellation), leaking the goroutine "
        "and everything it references.",
    fix="Send inside `select { case ch <- v: case <-ctx.Done(): }`, or give the channel enough buffer "
        "for every send (`make(chan error, 1)` for a single result).",
    kinds={"go"},
    example=Example(
        path="internal/fetch/fetch.go",
        bad='package fetch\n\nimport "context"\n\nfunc Fetch(ctx context.Context, get func() string) (string, error) {\n'
            '\tch := make(chan string)\n\tgo func() {\n\t\tch <- get()\n\t}()\n\tselect {\n'
            '\tcase v := <-ch:\n\t\treturn v, nil\n\tcase <-ctx.Done():\n\t\treturn "", ctx.Err()\n\t}\n}\n',
        good='package fetch\n\nimport "context"\n\nfunc Fetch(ctx context.Context, get func() string) (string, error) {\n'
             '\tch := make(chan string, 1)\n\tgo func() {\n\t\tch <- get()\n\t}()\n\tselect {\n'
             '\tcase v := <-ch:\n\t\treturn v, nil\n\tcase <-ctx.Done():\n\t\treturn "", ctx.Err()\n\t}\n}\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if _go.not_service_code(f):
        return
    root = f.go
    imps = g.imports(root)
    for go_stmt in g.walk(root, "go_statement"):
        call = next((c for c in go_stmt.named_children if c.type == "call_expression"), None)
        if call is None:
            continue
        lit = call.child_by_field_name("function")
        if lit is None or lit.type != "func_literal":
            continue
        lit_body = _go.body(lit)
        if lit_body is None:
            continue
        sends: dict[str, list[g.Node]] = {}
        for send in _go.walk_same_func(lit_body, "send_statement"):
            if _guarded(send):
                continue
            sends.setdefault(g.text(send.child_by_field_name("channel")), []).append(send)
        if not sends:
            continue
        passed = _passed_channels(lit, call)
        for inner, nodes in sends.items():
            if _receives(lit_body, inner):
                continue  # token/semaphore channel: the goroutine takes the value it puts back
            chan = passed.get(inner, inner)
            outer, made = None, None
            for fn in g.ancestors(go_stmt):
                if fn.type in _go.FUNC_TYPES:
                    made = _make_capacity(fn, chan, imps)
                    if made is not None:
                        outer = fn
                        break
            looped = any(_go.in_loop(s, lit_body) for s in nodes)
            if made is not None:
                decl, cap = made
                if cap is not None:
                    if cap.type != "int_literal":
                        continue  # make(chan T, len(items)) / n workers: sized for the senders
                    try:
                        capacity = int(g.text(cap).replace("_", ""), 0)
                    except ValueError:
                        continue
                    # a goroutine started per loop iteration shares the buffer with its siblings
                    loop = _go.enclosing(go_stmt, ("for_statement",))
                    many = loop is not None and _go.inside(loop, outer) and not _go.inside(decl, loop)
                    most = _path_sends(lit_body, {n.id for n in nodes})
                    if capacity >= most and not looped and not many:
                        continue
                if inner != chan and cap is None:
                    made = None  # an unbuffered channel handed in as an argument: the goroutine cannot know
                elif _returned(outer, chan) or _consumer_goroutine(outer, chan, go_stmt):
                    continue
            if made is not None:
                decl, cap = made
                drained = _drained(outer, chan, go_stmt)
                loop = _go.enclosing(go_stmt, ("for_statement",))
                per_iteration = loop is not None and _go.inside(loop, outer) and not _go.inside(decl, loop)
                if drained in ("range", "recv-loop") or (drained == "recv" and not looped and not per_iteration):
                    continue
                kind = "unbuffered" if cap is None else "too-small buffered"
            else:
                kind = "caller-owned"
            for s in nodes:
                yield Hit(g.line(s), message=f"goroutine sends on {kind} channel `{inner}` outside a `select` "
                                             "with a cancellation case; it blocks forever if nobody receives")
