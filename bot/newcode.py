"""What a change owns: findings present at the head and absent at the merge base (scope `new`),
and one finding for copies of one resource."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.models import ChangedFile, Finding


def split_new(head: Sequence[Finding], base: Sequence[Finding] | None,
              change: ChangedFile) -> tuple[list[Finding], list[Finding]]:
    """(new, pre-existing) head findings of one file. Identical findings are counted: when the base
    had two and the head has three, one is new, preferably one on a line the change added."""
    if base is None:  # an added file, or a base version that could not be read
        return list(head), []
    base_counts = Counter(f.identity for f in base)
    groups: dict[str, list[Finding]] = {}
    for f in head:
        groups.setdefault(f.identity, []).append(f)
    new: list[Finding] = []
    old: list[Finding] = []
    for ident, found in groups.items():
        extra = len(found) - min(base_counts.get(ident, 0), len(found))
        ranked = sorted(found, key=lambda f: (not change.in_scope(f.line, f.end_line, "added", f.region),
                                              f.line))
        new.extend(ranked[:extra])
        old.extend(ranked[extra:])
    for f in old:
        f.new = False
    return new, old


def merge_copies(findings: list[Finding]) -> list[Finding]:
    """One finding for the same problem in copies of one resource (raw manifests, a kustomize base,
    a release bundle): same rule, subject and message in several files. The first path keeps the
    finding; the others become its extra locations."""
    first: dict[tuple[str, str, str], Finding] = {}
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.path, f.line)):
        if not f.subject:
            out.append(f)
            continue
        key = (f.rule, f.subject, f.message)
        primary = first.get(key)
        if primary is None or primary.path == f.path:
            first.setdefault(key, f)
            out.append(f)
            continue
        primary.locations.append((f.path, f.line))
    return out
