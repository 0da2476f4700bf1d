"""Reading a pull request: changed files (paginated), file texts in GraphQL batches cached by blob sha."""
from __future__ import annotations

import base64
import logging
from collections.abc import Mapping, MutableMapping, Sequence

from bot.diff import parse_patch
from bot.forges.github.client import InstallationClient
from bot.models import ChangedFile

log = logging.getLogger(__name__)

MAX_FILES = 3000  # GitHub's limit for the pull request files API
BATCH = 50  # aliased `object(expression:)` lookups per GraphQL request
_BLOB_FIELDS = "... on Blob { text isBinary isTruncated byteSize oid }"


def repo_path(repo: str) -> str:
    return f"/repos/{repo}"


async def pull_request(client: InstallationClient, repo: str, number: int) -> dict:
    return await client.get(f"{repo_path(repo)}/pulls/{number}")


async def changed_files(client: InstallationClient, repo: str, number: int) -> tuple[list[ChangedFile], dict]:
    """The pull request's files with hunks, and path -> blob sha at the head."""
    files: list[ChangedFile] = []
    shas: dict[str, str] = {}
    async for item in client.paginate(f"{repo_path(repo)}/pulls/{number}/files", limit=MAX_FILES):
        path = item["filename"]
        status = item.get("status", "modified")
        sha = item.get("sha") or None
        if status not in ("removed",) and sha:
            shas[path] = sha
        status = {"changed": "modified", "unchanged": "modified"}.get(status, status)
        files.append(parse_patch(path, item.get("patch"), status=status,
                                 old_path=item.get("previous_filename"), blob_sha=sha))
    return files, shas


def _blob_query(count: int) -> str:
    params = ", ".join(f"$e{i}: String!" for i in range(count))
    fields = "\n".join(f"    f{i}: object(expression: $e{i}) {{ {_BLOB_FIELDS} }}" for i in range(count))
    return (f"query ReadinessFiles($owner: String!, $name: String!, {params}) {{\n"
            f"  repository(owner: $owner, name: $name) {{\n{fields}\n  }}\n}}")


async def read_texts(client: InstallationClient, repo: str, paths: Sequence[str], ref: str,
                     cache: MutableMapping[str, str | None], known_shas: Mapping[str, str] | None = None
                     ) -> dict[str, str | None]:
    """Text of each path at `ref`: blob-sha cache first, then GraphQL in batches of BATCH paths."""
    known_shas = known_shas or {}
    out: dict[str, str | None] = {}
    missing: list[str] = []
    for path in dict.fromkeys(paths):
        sha = known_shas.get(path)
        if sha is not None and sha in cache:
            out[path] = cache[sha]
        else:
            missing.append(path)
    owner, name = repo.split("/", 1)
    for start in range(0, len(missing), BATCH):
        chunk = missing[start : start + BATCH]
        variables = {"owner": owner, "name": name, **{f"e{i}": f"{ref}:{p}" for i, p in enumerate(chunk)}}
        data = await client.graphql(_blob_query(len(chunk)), variables)
        repo_data = data.get("repository") or {}
        for i, path in enumerate(chunk):
            obj = repo_data.get(f"f{i}")
            out[path] = await _blob_text(client, repo, obj, cache)
    return out


async def _blob_text(client: InstallationClient, repo: str, obj: dict | None,
                     cache: MutableMapping[str, str | None]) -> str | None:
    if not obj or obj.get("isBinary"):
        return None
    oid = obj.get("oid")
    text = obj.get("text")
    if obj.get("isTruncated") or text is None:
        text = await blob_text(client, repo, oid) if oid else None
    if oid:
        cache[oid] = text
    return text


async def blob_text(client: InstallationClient, repo: str, sha: str) -> str | None:
    """A blob by sha via REST (for texts GraphQL truncates)."""
    data = await client.get(f"{repo_path(repo)}/git/blobs/{sha}")
    raw = base64.b64decode(data.get("content", "")) if data.get("encoding") == "base64" \
        else (data.get("content") or "").encode()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


async def tree_files(client: InstallationClient, repo: str, ref: str) -> dict[str, str]:
    """Every file path at `ref` with its blob sha (git trees API, recursive)."""
    data = await client.get(f"{repo_path(repo)}/git/trees/{ref}", params={"recursive": "1"})
    if data.get("truncated"):
        log.warning("tree of %s at %s is truncated; cross-file rules see part of the repository", repo, ref)
    return {e["path"]: e["sha"] for e in data.get("tree", []) if e.get("type") == "blob"}
