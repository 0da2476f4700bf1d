"""net.tls-verify-off: remove `verify=False`, `session.verify = False` and `InsecureSkipVerify: true`."""
from __future__ import annotations

import ast

from checks.fixes import FixContext, Suggestion, Where, _go, _py, fixer
from checks.lang import golang as g
from checks.lang.python import kwarg
from checks.source import SourceFile


@fixer("net.tls-verify-off")
def fix(f: SourceFile, where: Where, ctx: FixContext) -> Suggestion | None:
    if "python" in f.kinds:
        return _python(f, where.line)
    if "go" in f.kinds:
        return _golang(f, where.line)
    return None


def _python(f: SourceFile, line: int) -> Suggestion | None:
    found = []
    for call in _py.calls_on(f, line):
        verify = kwarg(call, "verify")
        if isinstance(verify, ast.Constant) and verify.value is False:
            found.append((call, next(k for k in call.keywords if k.arg == "verify")))
    if len(found) == 1:
        return _py.drop_keyword(f, *found[0])
    if found:
        return None
    for stmt in f.python_of(ast.Assign):  # `session.verify = False`
        if stmt.lineno == line and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Attribute) and \
                stmt.targets[0].attr == "verify" and isinstance(stmt.value, ast.Constant) and \
                stmt.value.value is False and _py.alone_on_lines(f, stmt):
            return Suggestion(stmt.lineno, stmt.end_lineno, "")
    return None


def _golang(f: SourceFile, line: int) -> Suggestion | None:
    root = f.go
    for elem in g.walk(root, "keyed_element"):
        kids = [c for c in elem.named_children if c.type != "comment"]
        if g.line(elem) == line and len(kids) >= 2 and g.text(kids[0]).strip() == "InsecureSkipVerify" \
                and g.text(kids[-1]).strip() == "true":
            return _go.drop_element(f, elem)
    for stmt in g.walk(root, "assignment_statement"):
        if g.line(stmt) == line and g.text(stmt.child_by_field_name("left")).endswith(".InsecureSkipVerify") \
                and len(stmt.child_by_field_name("left").named_children) == 1 and _go.alone_on_lines(f, stmt):
            return Suggestion(line, g.end_line(stmt), "")
    return None

