"""The fake GitHub's comment endpoints: review comments, issue comments, reactions, permissions."""
from __future__ import annotations

from aiohttp import web

from tests.github import contract
from tests.github.fake_state import next_id

BOT = {"login": "readiness[bot]", "id": 9919, "type": "Bot"}


class CommentsMixin:
    def _review_comments(self, request, body, repo, n):
        template = contract.example("pull-request-review-comment-items")[0]
        items = [{**template, "id": c["id"], "body": c["body"], "path": c["path"], "line": c.get("line"),
                  "user": {**template["user"], **c["user"]}}
                 for c in self.review_comments if c["repo"] == repo and c["number"] == int(n)]
        return self._paginate(request, items)

    def _issue_comment_json(self, c: dict) -> dict:
        data = contract.example("issue-comment")
        data.update(id=c["id"], body=c["body"])
        data["user"] = {**data["user"], **c["user"]}
        return data

    def _issue_comments(self, request, body, repo, n):
        items = [self._issue_comment_json(c) for c in self.issue_comments
                 if c["repo"] == repo and c["number"] == int(n)]
        return self._paginate(request, items)

    def _create_comment(self, request, body, repo, n):
        c = {"id": next_id(), "repo": repo, "number": int(n), "body": body["body"], "user": dict(BOT), "edits": 0}
        self.issue_comments.append(c)
        return web.json_response(self._issue_comment_json(c), status=201)

    def _edit_comment(self, request, body, repo, cid):
        for c in self.issue_comments:
            if c["id"] == int(cid) and c["repo"] == repo:
                c["body"] = body["body"]
                c["edits"] += 1
                return web.json_response(self._issue_comment_json(c))
        return web.json_response({"message": "Not Found"}, status=404)

    def _react(self, request, body, repo, cid):
        existing = [r for r in self.reactions if r["comment_id"] == int(cid) and r["content"] == body["content"]]
        if not existing:
            self.reactions.append({"comment_id": int(cid), "content": body["content"], "repo": repo})
        data = contract.example("reaction")
        data.update(content=body["content"])
        return web.json_response(data, status=200 if existing else 201)

    def _permission(self, request, body, repo, user):
        level = self.permissions.get((repo, user))
        if level is None:
            return web.json_response({"message": f"{user} is not a user"}, status=404)
        data = contract.example("repository-collaborator-permission-response-if-user-has-admin-permissions")
        legacy = {"maintain": "write", "triage": "read"}.get(level, level)
        data.update(permission=legacy, role_name=level)
        data["user"]["login"] = user
        return web.json_response(data)
