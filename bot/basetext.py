"""The base version of a changed file, rebuilt from its head text and the diff's hunks."""
from __future__ import annotations

import io

from unidiff import PatchSet
from unidiff.constants import LINE_TYPE_NO_NEWLINE
from unidiff.errors import UnidiffParseError

from bot.models import ChangedFile


def base_text(head: str, change: ChangedFile) -> str | None:
    """The text before the change: `head` with every hunk undone. None when it cannot be rebuilt
    exactly (no patch known, or the hunks do not match the head text): read it from the forge then."""
    if change.patch is None:
        return None
    if change.patch == "":
        return head  # a rename or mode change without edits
    header = f"--- a/{change.old_path or change.path}\n+++ b/{change.path}\n"
    body = change.patch if change.patch.endswith("\n") else change.patch + "\n"
    try:
        files = PatchSet(io.StringIO(header + body, newline="\n"))
    except UnidiffParseError:
        return None
    if len(files) != 1:
        return None
    lines = head.splitlines(keepends=True)
    out: list[str] = []
    nxt = 0  # index of the next head line not yet copied
    for hunk in files[0]:
        start = hunk.target_start - 1 if hunk.target_length else hunk.target_start
        if start < nxt or start > len(lines):
            return None
        out.extend(lines[nxt:start])
        nxt = start
        previous = None
        for line in hunk:
            if line.line_type == LINE_TYPE_NO_NEWLINE:
                if previous is not None and previous.is_removed and out[-1].endswith("\n"):
                    out[-1] = out[-1][:-1]  # the old side's last line had no newline
                continue
            previous = line
            if line.is_added or line.is_context:
                if nxt >= len(lines) or lines[nxt].rstrip("\r\n") != line.value.rstrip("\r\n"):
                    return None  # the hunk does not describe this head text
                if line.is_context:
                    out.append(lines[nxt])
                nxt += 1
            elif line.is_removed:
                out.append(line.value)
    out.extend(lines[nxt:])
    return "".join(out)
