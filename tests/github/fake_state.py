"""In-memory GitHub data for the fake: repositories, commits, pull requests, diffs, bot comments."""
from __future__ import annotations

import difflib
import hashlib
import itertools
import re
from dataclasses import dataclass, field

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.M)
_ids = itertools.count(1000)


def next_id() -> int:
    return next(_ids)


def blob_sha(text: str | bytes) -> str:
    data = text.encode() if isinstance(text, str) else text
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def make_patch(old: str | None, new: str | None) -> str:
    """GitHub's per-file `patch`: unified diff hunks (3 lines of context) without the file headers."""
    a = (old or "").splitlines(keepends=True)
    b = (new or "").splitlines(keepends=True)
    lines = list(difflib.unified_diff(a, b, n=3))[2:]
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines).rstrip("\n")


def hunk_ranges(patch: str | None) -> list[tuple[int, int]]:
    """New-side line ranges of the hunks: where GitHub accepts RIGHT-side review comments."""
    out = []
    for m in _HUNK.finditer(patch or ""):
        start, count = int(m.group(1)), int(m.group(2) or 1)
        if count:
            out.append((start, start + count - 1))
    return out


@dataclass
class Repo:
    full_name: str
    commits: dict[str, dict[str, str | bytes]] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def commit(self, files: dict[str, str | bytes]) -> str:
        sha = hashlib.sha1(f"{self.full_name}:{next(self._counter)}".encode()).hexdigest()
        self.commits[sha] = dict(files)
        return sha

    def resolve(self, ref: str) -> dict[str, str | bytes] | None:
        return self.commits.get(self.branches.get(ref, ref))


@dataclass
class PullRequest:
    repo: Repo
    number: int
    base_ref: str
    base_sha: str
    head_sha: str
    author: str = "Codertocat"
    draft: bool = False
    state: str = "open"
    omit_patch: set[str] = field(default_factory=set)  # files GitHub sends without `patch` (too large)
    _files: dict = field(default_factory=dict, repr=False)

    def files(self) -> list[dict]:
        key = (self.base_sha, self.head_sha, frozenset(self.omit_patch))
        if key not in self._files:
            self._files = {key: self._compute_files()}
        return self._files[key]

    def _compute_files(self) -> list[dict]:
        base = self.repo.commits[self.base_sha]
        head = self.repo.commits[self.head_sha]
        out = []
        for path in sorted(set(base) | set(head)):
            old, new = base.get(path), head.get(path)
            if old == new:
                continue
            status = "added" if old is None else "removed" if new is None else "modified"
            binary = isinstance(new, bytes) or isinstance(old, bytes)
            patch = None if binary or path in self.omit_patch else make_patch(old, new)
            n_add = sum(1 for line in (patch or "").splitlines() if line.startswith("+"))
            n_del = sum(1 for line in (patch or "").splitlines() if line.startswith("-"))
            item = {"sha": blob_sha(new if new is not None else old), "filename": path, "status": status,
                    "additions": n_add, "deletions": n_del, "changes": n_add + n_del,
                    "blob_url": f"https://github.com/{self.repo.full_name}/blob/{self.head_sha}/{path}",
                    "raw_url": f"https://github.com/{self.repo.full_name}/raw/{self.head_sha}/{path}",
                    "contents_url": f"https://api.github.com/repos/{self.repo.full_name}/contents/{path}"}
            if patch is not None:
                item["patch"] = patch
            out.append(item)
        return out

    def hunks(self, path: str) -> list[tuple[int, int]]:
        for f in self.files():
            if f["filename"] == path:
                return hunk_ranges(f.get("patch"))
        return []


@dataclass
class Thread:
    id: str
    comment_ids: list[int]
    is_resolved: bool = False
