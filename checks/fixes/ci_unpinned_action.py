"""ci.unpinned-action: pin `uses: owner/action@tag` to the tag's commit, the tag kept as a comment.

The SHA comes from the resolver the caller passes in (the forge's API, or `git ls-remote`); with no
resolver, or a ref it cannot resolve (a short SHA, a deleted tag), there is no fix."""
from __future__ import annotations

import re

from checks.fixes import FixContext, Suggestion, Where, fixer
from checks.fixes._edit import replace_lines
from checks.source import SourceFile

_USES = re.compile(
    r"""^(?P<head>\s*(?:-\s+)?uses\s*:\s*)(?P<q>["']?)(?P<target>[\w.-]+/[\w.-]+(?:/[^@\s"']*)?)@(?P<ref>[^\s"'#]+)(?P=q)"""
    r"""(?P<tail>\s*(?:#\s*(?P<comment>.*))?)$""")
_SHA = re.compile(r"^[0-9a-f]{40}$")


@fixer("ci.unpinned-action")
def fix(f: SourceFile, where: Where, ctx: FixContext) -> Suggestion | None:
    if ctx.resolve is None:
        return None
    m = _USES.match(f.line(where.line))
    if m is None or _SHA.match(m["ref"]):
        return None
    repo = "/".join(m["target"].split("/")[:2])
    sha = ctx.resolve(repo, m["ref"])
    if not sha or not _SHA.match(sha):
        return None
    comment = m["ref"] if not m["comment"] or m["comment"].strip() == m["ref"] else f"{m['ref']} ({m['comment'].strip()})"
    return replace_lines(where.line, where.line, [f"{m['head']}{m['q']}{m['target']}@{sha}{m['q']} # {comment}"])
