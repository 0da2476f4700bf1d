"""Publishing on GitLab: the `readiness` commit status, inline discussions, the sticky summary note."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.forges.gitlab.fetch import mr_path
from bot.forges.gitlab.http import GitLabError, GitLabHTTP
from bot.state import inline_fingerprint, is_summary

log = logging.getLogger(__name__)

STATUS_NAME = "readiness"
FIELD_LIMIT = 255  # description and target_url of a commit status


@dataclass
class BotDiscussion:
    id: str
    fingerprint: str
    resolved: bool
    resolvable: bool


async def set_status(http: GitLabHTTP, project_id: int, sha: str, state: str, description: str,
                     target_url: str = "") -> bool:
    """Create/transition the `readiness` status; False when GitLab refuses the transition (400)."""
    body = {"state": state, "name": STATUS_NAME, "description": description[:FIELD_LIMIT]}
    if target_url and len(target_url) <= FIELD_LIMIT:
        body["target_url"] = target_url
    try:
        await http.post(f"/projects/{project_id}/statuses/{sha}", body)
    except GitLabError as exc:
        if exc.status != 400:
            raise
        log.info("status %s on %s refused: %s", state, sha[:12], exc.message)  # e.g. already running
        return False
    return True


async def bot_discussions(http: GitLabHTTP, project_id: int, iid: int, bot_id: int) -> list[BotDiscussion]:
    """The bot's inline discussions on this merge request, with the fingerprint of each."""
    out = []
    async for d in http.paginate(f"{mr_path(project_id, iid)}/discussions"):
        first = (d.get("notes") or [{}])[0] or {}
        if (first.get("author") or {}).get("id") != bot_id:
            continue
        fp = inline_fingerprint(first.get("body"))
        if fp:
            out.append(BotDiscussion(d["id"], fp, bool(first.get("resolved")), bool(first.get("resolvable"))))
    return out


async def create_discussion(http: GitLabHTTP, project_id: int, iid: int, body: str, position: dict) -> bool:
    """One diff discussion; False when GitLab refuses the position (400), so it goes to the summary."""
    try:
        await http.post(f"{mr_path(project_id, iid)}/discussions", {"body": body, "position": position})
    except GitLabError as exc:
        if exc.status != 400:
            raise
        log.warning("discussion at %s:%s refused: %s", position.get("new_path"), position.get("new_line"),
                    exc.message)
        return False
    return True


async def resolve(http: GitLabHTTP, project_id: int, iid: int, discussion_id: str) -> None:
    await http.put(f"{mr_path(project_id, iid)}/discussions/{discussion_id}", {"resolved": True})


async def find_summary(http: GitLabHTTP, project_id: int, iid: int, bot_id: int) -> dict | None:
    """The bot's sticky summary note: the oldest note by the bot carrying the hidden marker."""
    async for n in http.paginate(f"{mr_path(project_id, iid)}/notes", {"sort": "asc", "order_by": "created_at"}):
        if (n.get("author") or {}).get("id") == bot_id and not n.get("system") and is_summary(n.get("body")):
            return n
    return None


async def upsert_summary(http: GitLabHTTP, project_id: int, iid: int, body: str, note_id: int | None) -> int:
    if note_id:
        await http.put(f"{mr_path(project_id, iid)}/notes/{note_id}", {"body": body})
        return note_id
    return (await http.post(f"{mr_path(project_id, iid)}/notes", {"body": body}))["id"]


async def comment(http: GitLabHTTP, project_id: int, iid: int, body: str) -> None:
    await http.post(f"{mr_path(project_id, iid)}/notes", {"body": body})


async def award(http: GitLabHTTP, project_id: int, iid: int, note_id: int, name: str) -> None:
    """Award emoji on a note; an emoji already awarded (GitLab: 404/409/400) is fine."""
    try:
        await http.post(f"{mr_path(project_id, iid)}/notes/{note_id}/award_emoji", {"name": name})
    except GitLabError as exc:
        if exc.status not in (400, 404, 409):
            raise
        log.info("award %s on note %s refused: %s", name, note_id, exc.message)


def status_description(headline: str) -> str:
    return headline[:FIELD_LIMIT]
