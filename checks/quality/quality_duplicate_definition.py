"""quality.duplicate-definition: the same struct/interface/sentinel error defined in two Go packages."""
from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang
from checks.quality._q import is_vendored_or_generated
from checks.registry import Context, Example, rule
from checks.source import ParseError, SourceFile

# Standard-library sentinels: a local copy never matches them with errors.Is.
_STDLIB_SENTINELS = {
    "EOF": "io.EOF", "unexpected EOF": "io.ErrUnexpectedEOF", "sql: no rows in result set": "sql.ErrNoRows",
    "context canceled": "context.Canceled", "context deadline exceeded": "context.DeadlineExceeded",
    "http: Server closed": "http.ErrServerClosed", "sql: transaction has already been committed or rolled back":
    "sql.ErrTxDone", "sql: connection is already closed": "sql.ErrConnDone",
}
_ERR_CTORS = {"errors.New", "fmt.Errorf", "xerrors.New", "xerrors.Errorf", "errs.New", "pkgerrors.New"}


def _is_error_ctor(name: str | None) -> bool:
    """`errors.New`, `fmt.Errorf`... or a project's own error constructor (`newErr`, `apperrors.New`,
    `status.Error`): a call whose name mentions an error."""
    if not name:
        return False
    return name in _ERR_CTORS or "err" in name.lower()


def _fields(fd) -> list[str]:
    """`ID, Kind string` is two fields (`ID string`, `Kind string`); an embedded field is its type."""
    t = fd.child_by_field_name("type")
    names = fd.children_by_field_name("name")
    if t is None or not names:
        return [re.sub(r"\s+", " ", golang.text(fd).split("`")[0]).strip()]
    typ = re.sub(r"\s+", " ", golang.text(t)).strip()
    return [f"{golang.text(n)} {typ}" for n in names]


def _definitions(f: SourceFile) -> list[tuple[str, str, int, object]]:
    """(kind, name, line, signature) for top-level structs/interfaces and sentinel error vars."""
    out = []
    for decl in f.go.named_children:
        if decl.type == "type_declaration":
            for spec in decl.named_children:
                if spec.type != "type_spec":
                    continue
                name = golang.text(spec.child_by_field_name("name"))
                t = spec.child_by_field_name("type")
                if t is None or t.type not in ("struct_type", "interface_type"):
                    continue
                if t.type == "struct_type":
                    fields = frozenset(
                        field for fd in golang.walk(t, "field_declaration") for field in _fields(fd))
                    if len(fields) < 2:
                        continue
                    out.append(("struct", name, golang.line(spec), fields))
                else:
                    methods = frozenset(re.sub(r"\s+", " ", golang.text(m)).strip()
                                        for m in t.named_children if m.type != "comment")
                    if len(methods) < 1:
                        continue
                    out.append(("interface", name, golang.line(spec), methods))
        elif decl.type == "var_declaration":
            for spec in golang.walk(decl, "var_spec"):
                names = spec.children_by_field_name("name")
                value = spec.child_by_field_name("value")
                vals = [c for c in value.named_children if c.type != "comment"] if value is not None else []
                for i, n in enumerate(names):
                    nm = golang.text(n)
                    if not re.match(r"^[Ee]rr[A-Z0-9]", nm) or i >= len(vals):
                        continue
                    v = vals[i]
                    if v.type == "call_expression" and _is_error_ctor(golang.call_name(v)):
                        args = golang.call_args(v)
                        msg = golang.string_value(args[0]) if args else None
                        out.append(("error", nm, golang.line(n), msg))
    return out


def _eligible(f: SourceFile) -> bool:
    return not f.is_test and not is_vendored_or_generated(f) and "/testdata/" not in f"/{f.path}"


@rule(
    "quality.duplicate-definition",
    severity="LOW",
    area="quality",
    title="Same type or sentinel error defined in two packages",
    why="Duplicated types drift apart, and duplicated sentinel errors break `errors.Is`: an error returned "
        "by one package never matches the other package's variable.",
    fix="Define the type or error once (in the package that owns the concept, or a shared `domain`/`errs` "
        "package) and import it everywhere else.",
    kinds={"go"},
    repo_kinds={"go"},
    example=Example(
        path="internal/session/errors.go",
        bad="package store\n\nimport \"errors\"\n\n// ErrNoRows is returned when nothing matches.\n"
            "var ErrNoRows = errors.New(\"sql: no rows in result set\")\n",
        good="package store\n\nimport \"errors\"\n\nvar ErrSessionExpired = errors.New(\"session expired\")\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if not _eligible(f):
        return
    mine = _definitions(f)
    for kind, name, line, sig in mine:
        if kind == "error" and sig in _STDLIB_SENTINELS:
            yield Hit(line, message=f"Sentinel error `{name}` re-creates `{_STDLIB_SENTINELS[sig]}`; "
                                    f"`errors.Is(err, {_STDLIB_SENTINELS[sig]})` will not match it, use the "
                                    "standard one")
    if not mine or ctx.repo is None:
        return
    here = posixpath.dirname(f.path)
    wanted = {name for _k, name, _l, _s in mine}
    others: dict[tuple[str, str], list[tuple[str, object]]] = {}
    mentions = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(wanted)) + r")\b")
    for other in ctx.repo.files("go"):
        if other.path == f.path or posixpath.dirname(other.path) == here or not _eligible(other):
            continue
        if not mentions.search(other.text):
            continue
        try:
            defs = _definitions(other)
        except ParseError:
            continue
        for kind, name, _line, sig in defs:
            if name in wanted:
                others.setdefault((kind, name), []).append((other.path, sig))
    for kind, name, line, sig in mine:
        matches = []
        for path, osig in others.get((kind, name), []):
            if kind == "error":
                matches.append(path)
            elif isinstance(sig, frozenset) and isinstance(osig, frozenset):
                overlap = len(sig & osig) / max(1, len(sig | osig))
                if overlap >= 0.75:
                    matches.append(path)
        if matches:
            where = ", ".join(f"`{posixpath.dirname(p) or '.'}`" for p in sorted(set(matches))[:3])
            label = {"error": "Sentinel error", "struct": "Struct type", "interface": "Interface"}[kind]
            yield Hit(line, message=f"{label} `{name}` is also defined in {where}; define it once and import it")
