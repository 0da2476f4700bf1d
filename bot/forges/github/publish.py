"""Publishing on GitHub: the `readiness` check run, one review per push, the sticky summary, threads."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timezone

from bot.forges.github.client import InstallationClient
from bot.forges.github.http import GitHubError
from bot.models import Finding, Severity
from bot.state import inline_fingerprint, is_summary

log = logging.getLogger(__name__)

CHECK_NAME = "readiness"
ANNOTATIONS_PER_REQUEST = 50  # the Checks API maximum
RESOLVE_BATCH = 20
_LEVEL = {Severity.CRITICAL: "failure", Severity.HIGH: "failure", Severity.MEDIUM: "warning",
          Severity.LOW: "notice"}
_THREADS = """query ReadinessThreads($owner: String!, $name: String!, $number: Int!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $cursor) {
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved comments(first: 1) { nodes { body author { __typename } } } }
      }
    }
  }
}"""


def by_a_bot(user: dict | None) -> bool:
    """Written by an App (the bot), not a person: only then do its hidden markers count. Anyone can
    type a marker into a comment; a planted fingerprint must not silence or resolve a finding."""
    return (user or {}).get("type", (user or {}).get("__typename")) == "Bot"


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


async def start_check(client: InstallationClient, repo: str, head_sha: str, external_id: str = "") -> int:
    body = {"name": CHECK_NAME, "head_sha": head_sha, "status": "in_progress", "started_at": now_iso()}
    if external_id:
        body["external_id"] = external_id[:100]
    return (await client.post(f"/repos/{repo}/check-runs", body))["id"]


def annotations(findings: Sequence[Finding]) -> list[dict]:
    out = []
    for f in findings:
        message = f"{f.message}\n\nFix: {f.fix}" if f.fix else f.message
        out.append({
            "path": f.path,
            "start_line": max(1, f.line),
            "end_line": max(1, f.end_line or f.line, f.line),
            "annotation_level": _LEVEL.get(f.severity, "warning"),
            "message": message[:60_000] or f.title,
            "title": f"{f.number} {f.title} ({f.rule})"[:255],
        })
    return out


async def complete_check(client: InstallationClient, repo: str, check_id: int, *, conclusion: str,
                         output: dict, notes: Sequence[dict] = ()) -> None:
    """Annotations 50 per PATCH (GitHub appends them), the last PATCH completes the run."""
    batches = [list(notes[i : i + ANNOTATIONS_PER_REQUEST]) for i in range(0, len(notes), ANNOTATIONS_PER_REQUEST)]
    url = f"/repos/{repo}/check-runs/{check_id}"
    for batch in batches[:-1]:
        await client.patch(url, {"output": {**output, "annotations": batch}})
    final = {"status": "completed", "conclusion": conclusion, "completed_at": now_iso(), "output": dict(output)}
    if batches:
        final["output"]["annotations"] = batches[-1]
    await client.patch(url, final)


async def existing_fingerprints(client: InstallationClient, repo: str, number: int) -> set[str]:
    """Fingerprint markers of the bot's earlier inline comments on this pull request."""
    fps = set()
    async for c in client.paginate(f"/repos/{repo}/pulls/{number}/comments"):
        fp = inline_fingerprint(c.get("body")) if by_a_bot(c.get("user")) else None
        if fp:
            fps.add(fp)
    return fps


async def post_review(client: InstallationClient, repo: str, number: int, head_sha: str, body: str,
                      comments: list[dict]) -> bool:
    """One COMMENT review with the inline comments; False when GitHub refuses the placement (422)."""
    try:
        await client.post(f"/repos/{repo}/pulls/{number}/reviews",
                          {"commit_id": head_sha, "body": body, "event": "COMMENT", "comments": comments})
    except GitHubError as exc:
        if exc.status != 422:
            raise
        log.warning("review on %s#%s refused: %s", repo, number, exc.message)
        return False
    return True


async def find_summary(client: InstallationClient, repo: str, number: int) -> dict | None:
    """The bot's sticky summary comment, found by its hidden marker."""
    found = None
    async for c in client.paginate(f"/repos/{repo}/issues/{number}/comments"):
        if is_summary(c.get("body")) and by_a_bot(c.get("user")):
            found = found or c  # the first one is the sticky one
    return found


async def upsert_summary(client: InstallationClient, repo: str, number: int, body: str,
                         comment_id: int | None) -> int:
    if comment_id:
        await client.patch(f"/repos/{repo}/issues/comments/{comment_id}", {"body": body})
        return comment_id
    return (await client.post(f"/repos/{repo}/issues/{number}/comments", {"body": body}))["id"]


async def resolve_fixed_threads(client: InstallationClient, repo: str, number: int, current: set[str]) -> int:
    """Resolve the bot's open review threads whose finding is gone. Returns how many were resolved."""
    owner, name = repo.split("/", 1)
    stale: list[str] = []
    cursor = None
    while True:
        data = await client.graphql(_THREADS, {"owner": owner, "name": name, "number": number, "cursor": cursor})
        threads = (((data.get("repository") or {}).get("pullRequest") or {}).get("reviewThreads") or {})
        for t in threads.get("nodes") or []:
            first = ((t.get("comments") or {}).get("nodes") or [{}])[0] or {}
            fp = inline_fingerprint(first.get("body")) if by_a_bot(first.get("author")) else None
            if fp and fp not in current and not t.get("isResolved"):
                stale.append(t["id"])
        page = threads.get("pageInfo") or {}
        if not page.get("hasNextPage"):
            break
        cursor = page.get("endCursor")
    for start in range(0, len(stale), RESOLVE_BATCH):
        chunk = stale[start : start + RESOLVE_BATCH]
        params = ", ".join(f"$t{i}: ID!" for i in range(len(chunk)))
        fields = " ".join(f"r{i}: resolveReviewThread(input: {{threadId: $t{i}}}) {{ thread {{ id isResolved }} }}"
                          for i in range(len(chunk)))
        await client.graphql(f"mutation ReadinessResolve({params}) {{ {fields} }}",
                             {f"t{i}": tid for i, tid in enumerate(chunk)})
    return len(stale)
