"""Reading a merge request: diff versions, paginated diffs, file texts cached by blob id, the tree."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from bot.diff import DiffError, parse_patch
from bot.forges.gitlab.http import GitLabError, GitLabHTTP
from bot.forges.gitlab.positions import line_map
from bot.models import ChangedFile

log = logging.getLogger(__name__)

MAX_FILES = 3000
MAX_TREE = 50_000


def mr_path(project_id: int, iid: int) -> str:
    return f"/projects/{project_id}/merge_requests/{iid}"


@dataclass
class DiffRefs:
    base_sha: str
    start_sha: str
    head_sha: str


@dataclass
class MergeRequestDiff:
    refs: DiffRefs
    files: list[ChangedFile] = field(default_factory=list)
    lines: dict[str, dict[int, int | None]] = field(default_factory=dict)  # path -> new line -> old line


async def merge_request(http: GitLabHTTP, project_id: int, iid: int) -> dict:
    return await http.get(mr_path(project_id, iid))


async def latest_version(http: GitLabHTTP, project_id: int, iid: int) -> DiffRefs | None:
    """base/start/head sha of the newest diff version (GitLab lists versions newest first)."""
    versions = await http.get(f"{mr_path(project_id, iid)}/versions", params={"per_page": 1})
    if not versions:
        return None
    v = versions[0]
    return DiffRefs(v["base_commit_sha"], v["start_commit_sha"], v["head_commit_sha"])


def changed_file(item: dict) -> tuple[ChangedFile, dict[int, int | None]]:
    """One `/diffs` entry as a ChangedFile, plus its new-line -> old-line map for positions."""
    path, old_path = item["new_path"], item.get("old_path")
    status = ("added" if item.get("new_file") else "deleted" if item.get("deleted_file")
              else "renamed" if item.get("renamed_file") else "modified")
    diff = item.get("diff")
    if item.get("too_large") or item.get("collapsed"):
        diff = None  # GitLab withheld the diff: the whole file counts as changed
    if diff and diff.lstrip().startswith("Binary files"):
        return ChangedFile(path=path, status=status, old_path=old_path if status == "renamed" else None,
                           binary=True), {}
    try:
        cf = parse_patch(path if status != "deleted" else old_path or path, diff, status=status,
                         old_path=old_path if status == "renamed" else None)
    except DiffError:
        cf = parse_patch(path, None, status=status, old_path=old_path if status == "renamed" else None)
    return cf, line_map(diff or "")


async def merge_request_diff(http: GitLabHTTP, project_id: int, iid: int, refs: DiffRefs) -> MergeRequestDiff:
    out = MergeRequestDiff(refs)
    async for item in http.paginate(f"{mr_path(project_id, iid)}/diffs", limit=MAX_FILES):
        cf, lines = changed_file(item)
        out.files.append(cf)
        out.lines[cf.path] = lines
    return out


def _text(data: bytes) -> str | None:
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


async def raw_file(http: GitLabHTTP, project_id: int, path: str, ref: str) -> tuple[str | None, str | None]:
    """Text of `path` at `ref` and its blob id (`X-Gitlab-Blob-Id`); (None, None) when missing."""
    url = f"/projects/{project_id}/repository/files/{quote(path, safe='')}/raw"
    try:
        resp = await http.request("GET", url, params={"ref": ref}, raw=True)
    except GitLabError as exc:
        if exc.status == 404:
            return None, None
        raise
    return _text(resp.data or b""), resp.headers.get("X-Gitlab-Blob-Id") or None


async def blob(http: GitLabHTTP, project_id: int, blob_id: str) -> str | None:
    resp = await http.request("GET", f"/projects/{project_id}/repository/blobs/{blob_id}/raw", raw=True)
    return _text(resp.data or b"")


async def read_texts(http: GitLabHTTP, project_id: int, paths: Sequence[str], ref: str,
                     texts: MutableMapping[str, str | None], blob_ids: MutableMapping[tuple, str]
                     ) -> dict[str, str | None]:
    """Each path's text at `ref`: blob-id cache first, then concurrent reads (bounded by the client)."""

    async def one(path: str) -> str | None:
        key = (project_id, ref, path)
        bid = blob_ids.get(key)
        if bid is not None and bid in texts:
            return texts[bid]
        if bid is not None:
            text = await blob(http, project_id, bid)
        else:
            text, bid = await raw_file(http, project_id, path, ref)
        if bid:
            blob_ids[key] = bid
            texts[bid] = text
        return text

    unique = list(dict.fromkeys(paths))
    results = await asyncio.gather(*(one(p) for p in unique))
    return dict(zip(unique, results, strict=True))


async def tree(http: GitLabHTTP, project_id: int, ref: str) -> dict[str, str]:
    """Every file path at `ref` with its blob id (repository tree, recursive, paginated)."""
    out: dict[str, str] = {}
    async for e in http.paginate(f"/projects/{project_id}/repository/tree",
                                 {"ref": ref, "recursive": "true"}, limit=MAX_TREE):
        if e.get("type") == "blob":
            out[e["path"]] = e["id"]
    if len(out) >= MAX_TREE:
        log.warning("tree of project %s at %s is cut at %d files", project_id, ref, MAX_TREE)
    return out
