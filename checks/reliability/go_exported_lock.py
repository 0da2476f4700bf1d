"""go.exported-lock: structs that expose their lock, or getters that skip the struct's mutex."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang as g
from checks.registry import Context, Example, rule
from checks.reliability import _go
from checks.source import SourceFile

_LOCK_METHODS = {"Lock", "Unlock", "RLock", "RUnlock", "TryLock", "TryRLock", "RLocker"}
_MUTEX_TYPES = {"sync.Mutex", "sync.RWMutex", "*sync.Mutex", "*sync.RWMutex"}
_LOCKED_NAME = re.compile(r"(locked|nolock|unsafe)$", re.I)


def _structs(root: g.Node, imps: dict[str, str]) -> dict[str, tuple[g.Node, list[str], bool, dict[str, int]]]:
    """type name -> (spec, named mutex fields, embeds a mutex, {field name: line})."""
    out = {}
    specs = [sp for td in root.named_children if td.type == "type_declaration"
             for sp in td.named_children if sp.type == "type_spec"]
    for spec in specs:
        st = spec.child_by_field_name("type")
        if st is None or st.type != "struct_type":
            continue
        mutexes: list[str] = []
        embedded = False
        fields: dict[str, int] = {}
        for fd in g.walk(st, "field_declaration"):
            if _go.enclosing(fd, ("struct_type",)) != st:
                continue
            typ = fd.child_by_field_name("type")
            names = [g.text(c) for c in fd.children_by_field_name("name")]
            is_mutex = _go.qual(typ, imps) in _MUTEX_TYPES
            if is_mutex and not names:
                embedded = True
            for n in names:
                fields[n] = g.line(fd)
                if is_mutex:
                    mutexes.append(n)
        out[g.text(spec.child_by_field_name("name"))] = (spec, mutexes, embedded, fields)
    return out


def _top_methods(root: g.Node) -> list[g.Node]:
    return [n for n in root.named_children if n.type == "method_declaration"]


def _lock_calls(body: g.Node, recv: str, mutexes: list[str], embedded: bool) -> bool:
    targets = {f"{recv}.{m}" for m in mutexes}
    if embedded:
        targets.add(recv)
    for c in g.walk(body, "call_expression"):
        fn = c.child_by_field_name("function")
        if fn is None or fn.type != "selector_expression":
            continue
        if g.text(fn.child_by_field_name("field")) in ("Lock", "RLock", "TryLock", "TryRLock") and \
                g.text(fn.child_by_field_name("operand")) in targets:
            return True
    return False


def _written_fields(body: g.Node, recv: str) -> set[str]:
    out = set()
    for a in g.walk(body, "assignment_statement", "inc_statement", "dec_statement"):
        left = a.child_by_field_name("left") if a.type == "assignment_statement" else a.named_children[0]
        if left is None:
            continue
        for m in re.finditer(rf"(?<![\w.]){re.escape(recv)}\.(\w+)", g.text(left)):
            out.add(m.group(1))
    for c in g.walk(body, "call_expression"):
        if g.call_name(c) == "delete" and g.call_args(c):
            m = re.match(rf"{re.escape(recv)}\.(\w+)$", g.text(g.call_args(c)[0]))
            if m:
                out.add(m.group(1))
    return out


def _getter_field(method: g.Node, recv: str) -> str | None:
    """Field a trivial getter returns (`Count() int { return c.count }`, `Get(k) V { return c.items[k] }`)."""
    body = _go.body(method)
    if body is None:
        return None
    stmts = [s for s in body.named_children if s.type != "comment"]
    if len(stmts) == 1 and stmts[0].type == "statement_list":
        stmts = [s for s in stmts[0].named_children if s.type != "comment"]
    if len(stmts) != 1 or stmts[0].type != "return_statement":
        return None
    m = re.fullmatch(rf"return\s+{re.escape(recv)}\.(\w+)(\[[^\]]*\])?", g.text(stmts[0]).strip())
    if m is None:
        m = re.fullmatch(rf"return\s+len\({re.escape(recv)}\.(\w+)\)", g.text(stmts[0]).strip())
    return m.group(1) if m else None


@rule(
    "go.exported-lock",
    severity="MEDIUM",
    area="reliability",
    title="Struct exposes its lock or reads guarded fields without it",
    why="Exported Lock/Unlock methods (or an embedded mutex) on a type that also locks internally let "
        "callers deadlock it or break lock ordering; getters that skip the mutex race with the writers "
        "that hold it.",
    fix="Keep the mutex unexported (`mu sync.Mutex`), do not export Lock/Unlock, and take `mu.RLock()` "
        "in every getter that reads a field written under the lock (or make the field atomic).",
    kinds={"go"},
    repo_kinds={"go"},
    example=Example(
        path="internal/cache/cache.go",
        bad='package cache\n\nimport "sync"\n\ntype Cache struct {\n\tmu    sync.Mutex\n\titems map[string]string\n'
            '\thits  int\n}\n\nfunc (c *Cache) Get(k string) string {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n'
            '\tc.hits++\n\treturn c.items[k]\n}\n\nfunc (c *Cache) Hits() int {\n\treturn c.hits\n}\n',
        good='package cache\n\nimport "sync"\n\ntype Cache struct {\n\tmu    sync.Mutex\n\titems map[string]string\n'
             '\thits  int\n}\n\nfunc (c *Cache) Get(k string) string {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n'
             '\tc.hits++\n\treturn c.items[k]\n}\n\nfunc (c *Cache) Hits() int {\n\tc.mu.Lock()\n'
             '\tdefer c.mu.Unlock()\n\treturn c.hits\n}\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if _go.not_service_code(f):
        return
    root = f.go
    imps = g.imports(root)
    structs = _structs(root, imps)
    methods: dict[str, list[tuple[g.Node, str, bool]]] = {}  # type -> (method, receiver, in this file)
    for m in _top_methods(root):
        recv, typ = _go.receiver_type(m)
        methods.setdefault(typ, []).append((m, recv, True))
    # methods of this file's structs declared in sibling files of the package
    if ctx.repo is not None and structs:
        for other in ctx.repo.siblings(f.path, "go"):
            if other.is_test or "Lock()" not in other.text:
                continue
            try:
                oroot = other.go
            except Exception:
                continue
            for m in _top_methods(oroot):
                recv, typ = _go.receiver_type(m)
                if typ in structs:
                    methods.setdefault(typ, []).append((m, recv, False))
    # struct types declared in sibling files, for methods in this file
    other_structs: dict = {}
    if ctx.repo is not None:
        missing = set(methods) - set(structs)
        if missing:
            for other in ctx.repo.siblings(f.path, "go"):
                if "Mutex" not in other.text:
                    continue
                try:
                    oroot = other.go
                except Exception:
                    continue
                for name, info in _structs(oroot, g.imports(oroot)).items():
                    if name in missing:
                        other_structs[name] = info

    for typ, ms in methods.items():
        info = structs.get(typ) or other_structs.get(typ)
        local_struct = typ in structs
        mutexes, embedded = (info[1], info[2]) if info else ([], False)
        internal_lockers = [(m, r) for m, r, _ in ms
                            if g.func_name(m) not in _LOCK_METHODS and _go.body(m) is not None
                            and _lock_calls(_go.body(m), r, mutexes, embedded)]
        # 1. exported Lock()/Unlock() methods next to methods that lock internally
        if internal_lockers:
            for m, _r, here in ms:
                if here and g.func_name(m) in ("Lock", "RLock", "Unlock", "RUnlock"):
                    yield Hit(g.line(m), message=f"`{typ}` exports `{g.func_name(m)}()` while its method "
                                                 f"`{g.func_name(internal_lockers[0][0])}` locks it internally; "
                                                 "callers can deadlock it or break lock ordering")
        # 1b. an exported struct embedding sync.Mutex exports Lock/Unlock the same way
        if embedded and local_struct and typ[:1].isupper() and internal_lockers and \
                not any(g.func_name(m) in _LOCK_METHODS for m, _, _ in ms):
            spec = info[0]
            line = next((g.line(fd) for fd in g.walk(spec, "field_declaration")
                         if not fd.children_by_field_name("name") and
                         _go.qual(fd.child_by_field_name("type"), imps) in _MUTEX_TYPES), g.line(spec))
            yield Hit(line, message=f"exported `{typ}` embeds a mutex, so `Lock()`/`Unlock()` are part of its "
                                    f"API while `{g.func_name(internal_lockers[0][0])}` also locks it internally")
        # 2. getters that read a field written under the lock without taking it
        if not (mutexes or embedded):
            continue
        guarded: dict[str, str] = {}
        for m, r in internal_lockers:
            for fld in _written_fields(_go.body(m), r):
                if fld not in mutexes:
                    guarded.setdefault(fld, g.func_name(m))
        for m, r, here in ms:
            name = g.func_name(m)
            if not here or not name[:1].isupper() or _LOCKED_NAME.search(name) or name in _LOCK_METHODS:
                continue
            fld = _getter_field(m, r)
            if fld and fld in guarded:
                yield Hit(g.line(m), message=f"getter `{g.func_name(m)}` reads `{r}.{fld}` without the lock, "
                                             f"while `{guarded[fld]}` writes it under the mutex")
