"""quality.misplaced-doc-comment: Go doc comments that do not start with the declared name."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang import golang
from checks.quality._q import is_vendored_or_generated
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_DIRECTIVE = re.compile(r"^//(go:|nolint|lint:|export |line |extern |\+build|#|sys |sysnb )")
_ANNOTATION = re.compile(r"^//\s*(ruleid|ok|todoruleid|todook):")
_ARTICLES = {"A", "An", "The", "a", "an", "the"}


def _doc_block(f: SourceFile, decl_line: int) -> list[tuple[int, str]]:
    """The `//` comment lines directly above a declaration line (no blank line between)."""
    out = []
    n = decl_line - 1
    while n >= 1:
        s = f.line(n).strip()
        if not s.startswith("//"):
            break
        out.append((n, s))
        n -= 1
    out.reverse()
    return [(n, s) for n, s in out if not _DIRECTIVE.match(s) and not _ANNOTATION.match(s)]


def _decls(root) -> Iterator[tuple[str, object]]:
    for decl in root.named_children:
        if decl.type in ("function_declaration", "method_declaration"):
            yield golang.func_name(decl), decl
        elif decl.type in ("type_declaration", "var_declaration", "const_declaration"):
            # Only ungrouped declarations: the comment above a `(...)` group documents the group.
            if any(c.type == "(" for c in decl.children):
                continue
            specs = [c for c in decl.named_children if c.type in ("type_spec", "type_alias", "var_spec", "const_spec")]
            if len(specs) != 1:
                continue
            names = specs[0].children_by_field_name("name")
            if len(names) == 1:
                yield golang.text(names[0]), decl


_CAMEL = re.compile(r"^[A-Z][a-z0-9]+[A-Z]\w*$")


def _group_specs(root) -> Iterator[tuple[str, object]]:
    """Single-name specs inside `const (...)` / `var (...)` / `type (...)` groups."""
    for decl in root.named_children:
        if decl.type not in ("type_declaration", "var_declaration", "const_declaration"):
            continue
        if not any(c.type == "(" for c in decl.children):
            continue
        for spec in golang.walk(decl, "type_spec", "type_alias", "var_spec", "const_spec"):
            names = spec.children_by_field_name("name")
            if len(names) == 1:
                yield golang.text(names[0]), spec


@rule(
    "quality.misplaced-doc-comment",
    severity="LOW",
    area="quality",
    title="Go doc comment does not name the declaration it documents",
    why="A doc comment that starts with another identifier was usually left behind by a move or rename; "
        "godoc then shows the wrong text for the API.",
    fix="Start the comment with the exported name it documents (`// NewClient returns ...`) or move it to "
        "the declaration it belongs to.",
    kinds={"go"},
    example=Example(
        path="internal/client/client.go",
        bad="package client\n\n// NewServer creates a client for the API.\nfunc NewClient() *Client { return &Client{} }\n",
        good="package client\n\n// NewClient creates a client for the API.\nfunc NewClient() *Client { return &Client{} }\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if is_vendored_or_generated(f):
        return
    root = f.go
    grouped = list(_group_specs(root))
    declared = {n for n, _ in _decls(root)} | {n for n, _ in grouped} | {
        golang.func_name(d) for d in root.named_children if d.type in ("function_declaration", "method_declaration")}
    # Inside a group a comment may head a section (`// Status codes.`): only a comment that starts with
    # another declared identifier (or a CamelCase one) is a misplaced doc comment there.
    candidates = [(n, d, False) for n, d in _decls(root)] + [(n, d, True) for n, d in grouped]
    for name, decl, in_group in candidates:
        if not name or not name[0].isupper():
            continue
        block = _doc_block(f, golang.line(decl))
        if not block:
            continue
        first_line, first = block[0]
        text = first[2:].strip()
        if first.startswith("/*") or not text:
            continue
        words = text.split()
        w0 = words[0].rstrip(".,:;()")
        if w0.startswith("Deprecated"):
            continue
        if w0 == name or w0.endswith("." + name) or w0 in (name + "'s", f"`{name}`", f"{name}()"):
            continue
        if w0 in _ARTICLES and len(words) > 1 and words[1].rstrip(".,:;") == name:
            continue
        if in_group and w0 not in declared and not _CAMEL.match(w0):
            continue
        yield Hit(first_line, message=f"Doc comment above `{name}` starts with `{w0}` instead of `{name}`")
