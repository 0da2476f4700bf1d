"""go.goroutine-no-recover: goroutines without panic recovery where the project expects it."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang as g
from checks.registry import Context, Example, rule
from checks.reliability import _go
from checks.source import SourceFile

_RECOVER_NAME = re.compile(r"recover|panic|crash", re.I)
# Calls that read or parse outside data, where a panic on malformed input is likely.
_IO_QUALS = re.compile(
    r"^(encoding/(json|xml|gob|csv)|gopkg\.in/yaml\.v\d|github\.com/goccy/go-yaml|sigs\.k8s\.io/yaml|"
    r"github\.com/BurntSushi/toml|google\.golang\.org/protobuf/proto|github\.com/golang/protobuf/proto)"
    r"\.(Unmarshal|NewDecoder)$|"
    r"^net/http\.(Get|Post|Head|PostForm|NewRequest|NewRequestWithContext)$|"
    r"^(io|io/ioutil)\.(ReadAll|ReadFull|Copy|CopyN)$|^strconv\.Parse\w+$|^strconv\.Atoi$|"
    r"^(os|io/ioutil)\.(ReadFile|WriteFile|Open|OpenFile|Create|ReadDir)$|^net\.(Dial|DialTimeout|Listen)$"
)
_IO_METHODS = {"Decode", "Unmarshal", "Do", "Query", "QueryContext", "QueryRow", "QueryRowContext",
               "Exec", "ExecContext", "ReadAll"}


def _has_recover_defer(body: g.Node) -> bool:
    for d in _go.walk_same_func(body, "defer_statement"):
        call = next((c for c in d.named_children if c.type == "call_expression"), None)
        if call is None:
            continue
        fn = call.child_by_field_name("function")
        if fn is not None and fn.type == "func_literal":
            if any(g.call_name(c) == "recover" for c in g.walk(fn, "call_expression")):
                return True
            continue
        name = g.call_name(call).rsplit(".", 1)[-1]
        if name == "recover" or _RECOVER_NAME.search(name):
            return True
    return False


def _is_safego_helper(fn: g.Node) -> bool:
    """A function that starts a goroutine guarded by defer+recover (SafeGo/GoSafe/RunSafe...)."""
    body = _go.body(fn)
    if body is None:
        return False
    func_params = set()
    for t in _go.param_types(fn):
        if t.type == "function_type":
            decl = t.parent
            func_params.update(g.text(n) for n in decl.children_by_field_name("name"))
    if not func_params:
        return False
    for go_stmt in g.walk(body, "go_statement"):
        call = next((c for c in go_stmt.named_children if c.type == "call_expression"), None)
        lit = call.child_by_field_name("function") if call is not None else None
        if lit is None or lit.type != "func_literal" or _go.body(lit) is None:
            continue
        if not _has_recover_defer(_go.body(lit)):
            continue
        # the goroutine runs the function it was handed: SafeGo(fn func()) { go func() { defer ...; fn() }() }
        if any(g.call_name(c) in func_params for c in g.walk(_go.body(lit), "call_expression")):
            return True
    return False


def _helpers(root: g.Node) -> list[str]:
    return [g.func_name(fn) for fn in root.named_children
            if fn.type in _go.NAMED_FUNC_TYPES and _is_safego_helper(fn)]


def _does_io(body: g.Node, imps: dict[str, str]) -> str | None:
    for c in g.walk(body, "call_expression"):
        q = _go.call_qual(c, imps)
        if _IO_QUALS.search(q):
            return g.call_name(c)
        fn = c.child_by_field_name("function")
        if fn is None or fn.type != "selector_expression":
            continue
        method = g.text(fn.child_by_field_name("field"))
        args = g.call_args(c)
        if method not in _IO_METHODS or not args:
            continue
        if method == "Do":  # client.Do(req), not once.Do(f)
            if len(args) != 1 or not re.search(r"req", g.text(args[0]), re.I):
                continue
        return g.call_name(c)
    return None


# Calls that cannot panic on outside data: synchronisation and cancellation plumbing.
_PLUMBING = {"Wait", "Done", "Add", "close", "Lock", "Unlock", "RLock", "RUnlock", "cancel", "Stop", "Signal",
             "Broadcast", "Store", "Load"}


def _does_work(body: g.Node) -> bool:
    """The goroutine calls something besides WaitGroup/mutex/channel plumbing."""
    return any(g.call_name(c).rsplit(".", 1)[-1] not in _PLUMBING for c in g.walk(body, "call_expression"))


@rule(
    "go.goroutine-no-recover",
    severity="HIGH",
    area="reliability",
    title="Goroutine without panic recovery",
    why="A panic in any goroutine kills the whole process, dropping every in-flight request; "
        "goroutines that parse or fetch outside data, or that a request handler starts (the server's own "
        "panic recovery does not cover them), are where such panics come from.",
    fix="Start goroutines through the project's recover-wrapping helper (e.g. `SafeGo(func() {...})`), "
        "or begin the body with `defer func() { if r := recover(); r != nil { log.Error(...) } }()`.",
    kinds={"go"},
    repo_kinds={"go"},
    example=Example(
        path="internal/sync/worker.go",
        bad='package sync\n\nimport "encoding/json"\n\nfunc Start(raw []byte, out chan<- map[string]any) {\n'
            '\tgo func() {\n\t\tvar m map[string]any\n\t\t_ = json.Unmarshal(raw, &m)\n\t\tout <- m\n\t}()\n}\n',
        good='package sync\n\nimport (\n\t"encoding/json"\n\t"log"\n)\n\n'
             'func Start(raw []byte, out chan<- map[string]any) {\n\tgo func() {\n'
             '\t\tdefer func() {\n\t\t\tif r := recover(); r != nil {\n\t\t\t\tlog.Printf("panic: %v", r)\n'
             '\t\t\t}\n\t\t}()\n\t\tvar m map[string]any\n\t\t_ = json.Unmarshal(raw, &m)\n\t\tout <- m\n\t}()\n}\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if _go.not_service_code(f):
        return
    root = f.go
    imps = g.imports(root)
    goroutines = []
    for go_stmt in g.walk(root, "go_statement"):
        call = next((c for c in go_stmt.named_children if c.type == "call_expression"), None)
        lit = call.child_by_field_name("function") if call is not None else None
        if lit is None or lit.type != "func_literal" or _go.body(lit) is None:
            continue
        if _has_recover_defer(_go.body(lit)):
            continue
        # the helper itself (or code inside it) is not judged
        goroutines.append((go_stmt, _go.body(lit)))
    if not goroutines:
        return
    helpers = _helpers(root) if "recover()" in f.text else []
    if not helpers and ctx.repo is not None:
        for other in ctx.repo.siblings(f.path, "go"):
            if other.is_test or "recover()" not in other.text:
                continue
            try:
                helpers = _helpers(other.go)
            except Exception:  # unparsable neighbour: ignore
                continue
            if helpers:
                break
    for go_stmt, body in goroutines:
        io_call = _does_io(body, imps)
        handler = next((fn for fn in g.ancestors(go_stmt) if fn.type in _go.FUNC_TYPES and _go.is_handler(fn, imps)),
                       None)
        if helpers:
            msg = (f"goroutine started with a bare `go func()` and no `recover()`; this package wraps "
                   f"goroutines with `{helpers[0]}` to survive panics")
        elif handler is not None and _does_work(body):
            msg = ("goroutine started while serving a request has no deferred `recover()`; net/http recovers "
                   "panics in the handler, not in goroutines it starts, so a panic here crashes the process")
        elif io_call and not _go.is_tool_path(f.path):
            msg = (f"goroutine calls `{io_call}` with no deferred `recover()`; a panic here crashes "
                   "the whole process")
        else:
            continue
        yield Hit(g.line(go_stmt), message=msg, subject=_go.func_subject(go_stmt))
