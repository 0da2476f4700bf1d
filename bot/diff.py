"""Unified diffs to ChangedFile records: which new-side lines were added and which hunks exist."""
from __future__ import annotations

import io
import re

from unidiff import PatchSet
from unidiff.errors import UnidiffParseError

from bot.models import ChangedFile

_PREFIX = re.compile(r"^[ab]/")


class DiffError(Exception):
    """The text is not a unified diff we can read."""


_C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def _unquote(path: str) -> str:
    """git's C-style quoting of unusual names (`"b/na\\303\\257ve.py"`, `"b/q\\"uote.py"`)."""
    if len(path) < 2 or not (path[0] == path[-1] == '"'):
        return path
    body, out, i = path[1:-1], bytearray(), 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            octal = body[i + 1:i + 4]
            if len(octal) == 3 and all(c in "01234567" for c in octal):
                out.append(int(octal, 8) & 0xFF)
                i += 4
                continue
            if nxt in _C_ESCAPES:
                out.append(_C_ESCAPES[nxt])
                i += 2
                continue
        out.extend(ch.encode("utf-8"))
        i += 1
    return out.decode("utf-8", "replace")


def _strip(path: str | None) -> str | None:
    if path is None:
        return None
    path = _unquote(path.rstrip("\t"))
    if path == "/dev/null":
        return None
    return _PREFIX.sub("", path, count=1)


def parse_diff(text: str) -> list[ChangedFile]:
    """Every file of a (git or plain) unified diff, with new-side added lines and hunk ranges."""
    try:
        # Lines end at "\n" only: str.splitlines() would also cut at form feeds and U+2028 in code.
        patch = PatchSet(io.StringIO(text, newline="\n"))
    except UnidiffParseError as exc:
        raise DiffError(f"not a unified diff: {exc}") from None
    files: list[ChangedFile] = []
    for pf in patch:
        target = _strip(pf.target_file)
        source = _strip(pf.source_file)
        if pf.is_removed_file or target is None:
            files.append(ChangedFile(path=source or _unquote(pf.path), status="deleted", binary=pf.is_binary_file))
            continue
        if pf.is_added_file:
            status = "added"
        elif pf.is_rename:
            status = "renamed"
        else:
            status = "modified"
        added: set[int] = set()
        deleted_after: set[int] = set()
        hunks: list[tuple[int, int]] = []
        for hunk in pf:
            if hunk.target_length:
                hunks.append((hunk.target_start, hunk.target_start + hunk.target_length - 1))
            next_target = hunk.target_start
            for line in hunk:
                if line.target_line_no is not None:
                    next_target = line.target_line_no + 1
                    if line.is_added:
                        added.add(line.target_line_no)
                elif line.is_removed:
                    deleted_after.add(next_target - 1)
        files.append(
            ChangedFile(
                path=target,
                status=status,
                old_path=source if status == "renamed" else None,
                added=frozenset(added),
                hunks=tuple(hunks),
                deleted_after=frozenset(deleted_after),
                binary=pf.is_binary_file,
                patch=None if pf.is_binary_file else "".join(str(h) for h in pf),
            )
        )
    return files


def parse_patch(path: str, patch: str | None, *, status: str = "modified", old_path: str | None = None,
                blob_sha: str | None = None) -> ChangedFile:
    """One file's hunks as forges return them (GitHub `patch`, GitLab `diff`): hunks only, no headers.

    `patch=None` means the forge omitted it (too large): the whole file counts as changed.
    """
    if status in ("removed", "deleted"):
        return ChangedFile(path=path, status="deleted", old_path=old_path, blob_sha=blob_sha)
    if patch is None:
        return ChangedFile(path=path, status=status, old_path=old_path, whole_file=True, blob_sha=blob_sha)
    if not patch.strip():  # pure rename or mode change: nothing added
        return ChangedFile(path=path, status=status, old_path=old_path, blob_sha=blob_sha, patch="")
    header = f"--- a/{old_path or path}\n+++ b/{path}\n"
    body = patch if patch.endswith("\n") else patch + "\n"
    parsed = parse_diff(header + body)
    if not parsed:
        return ChangedFile(path=path, status=status, old_path=old_path, blob_sha=blob_sha)
    cf = parsed[0]
    return ChangedFile(path=path, status=status, old_path=old_path, added=cf.added, hunks=cf.hunks,
                       deleted_after=cf.deleted_after, blob_sha=blob_sha, patch=cf.patch)
