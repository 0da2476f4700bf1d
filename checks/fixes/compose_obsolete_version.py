"""compose.obsolete-version: delete the top-level `version:` line."""
from __future__ import annotations

import re

from checks.fixes import FixContext, Suggestion, Where, fixer
from checks.source import SourceFile

_VERSION = re.compile(r"""^version\s*:\s*(?:"[^"]*"|'[^']*'|[^\s#'"]+)?\s*(?:#.*)?$""")


@fixer("compose.obsolete-version")
def fix(f: SourceFile, where: Where, ctx: FixContext) -> Suggestion | None:
    if not _VERSION.match(f.line(where.line)):
        return None  # a block or multi-line value: not a one-line deletion
    end = where.line
    # at the top of the file, a blank line that only separated `version:` from the rest goes too
    if where.line == 1 and end < len(f.lines) and not f.line(end + 1).strip():
        end += 1
    return Suggestion(where.line, end, "")
