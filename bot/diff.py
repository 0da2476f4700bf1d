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


def _strip(path: str | None) -> str | None:
    if path is None or path == "/dev/null":
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
            files.append(ChangedFile(path=source or pf.path, status="deleted", binary=pf.is_binary_file))
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
        return ChangedFile(path=path, status=status, old_path=old_path, blob_sha=blob_sha)
    header = f"--- a/{old_path or path}\n+++ b/{path}\n"
    body = patch if patch.endswith("\n") else patch + "\n"
    parsed = parse_diff(header + body)
    if not parsed:
        return ChangedFile(path=path, status=status, old_path=old_path, blob_sha=blob_sha)
    cf = parsed[0]
    return ChangedFile(path=path, status=status, old_path=old_path, added=cf.added, hunks=cf.hunks,
                       deleted_after=cf.deleted_after, blob_sha=blob_sha)
