"""quality.deprecated-dependency (Go `io/ioutil`): each use becomes its `io`/`os` drop-in where that
package is imported; the import line goes once nothing uses it (`readiness fix` runs until stable)."""
from __future__ import annotations

from checks.fixes import FixContext, Suggestion, Where, fixer
from checks.fixes._edit import splice
from checks.lang import golang as g
from checks.source import SourceFile

# ioutil.ReadDir is left out: os.ReadDir returns []DirEntry, not []FileInfo
_DROP_IN = {"ReadAll": ("io", "ReadAll"), "ReadFile": ("os", "ReadFile"), "WriteFile": ("os", "WriteFile"),
            "TempFile": ("os", "CreateTemp"), "TempDir": ("os", "MkdirTemp"), "NopCloser": ("io", "NopCloser"),
            "Discard": ("io", "Discard")}


@fixer("quality.deprecated-dependency")
def fix(f: SourceFile, where: Where, ctx: FixContext) -> Suggestion | None:
    if "go" not in f.kinds:
        return None
    root = f.go
    specs = [s for s in g.walk(root, "import_spec") if g.string_value(s.child_by_field_name("path")) == "io/ioutil"]
    if len(specs) != 1 or specs[0].child_by_field_name("name") is not None:
        return None  # aliased: leave it to a person
    spec = specs[0]
    imported = {path: name for name, path in g.imports(root).items()}
    uses = [s for s in g.walk(root, "selector_expression") if g.text(s.child_by_field_name("operand")) == "ioutil"]
    if g.line(spec) == where.line:
        if uses or spec.parent is None or spec.parent.type != "import_spec_list":
            return None
        if f.line(where.line).strip() != g.text(spec):
            return None
        return Suggestion(where.line, where.line, "")
    found = [s for s in uses if g.line(s) == where.line]
    if len(found) != 1:
        return None
    sel = found[0]
    target = _DROP_IN.get(g.text(sel.child_by_field_name("field")))
    if target is None or imported.get(target[0]) != target[0]:
        return None  # no drop-in, or its package is not imported under its own name
    start, end = sel.start_point, sel.end_point
    return splice(f, (start[0] + 1, start[1]), (end[0] + 1, end[1]), f"{target[0]}.{target[1]}")
