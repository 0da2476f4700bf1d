"""GraphQL for the fake GitHub: real graphql-core execution over the fake's data (GitHub's schema)."""
from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import graphql

from tests.github import contract
from tests.github.fake_state import blob_sha

if TYPE_CHECKING:
    from tests.github.fakegithub import FakeGitHub


def execute(fake: FakeGitHub, query: str, variables: dict | None) -> tuple[dict, list[str]]:
    """(response body, contract violations)."""
    try:
        document = graphql.parse(query)
    except graphql.GraphQLError as exc:
        return {"errors": [{"message": exc.message}]}, [f"GraphQL syntax: {exc.message}"]
    problems = contract.graphql_errors(document)
    if problems:
        return {"errors": [{"message": m} for m in problems]}, [f"GraphQL: {m}" for m in problems]
    result = graphql.execute(contract.schema(), document, root_value=_root(fake), variable_values=variables or {})
    body: dict = {"data": result.data}
    if result.errors:
        body["errors"] = [{"message": e.message, "path": e.path} for e in result.errors]
    return body, []


def _root(fake: FakeGitHub) -> dict:
    return {
        "repository": lambda info, owner, name, **_: _repository(fake, f"{owner}/{name}"),
        "resolveReviewThread": lambda info, input: _resolve(fake, input["threadId"]),
    }


def _repository(fake: FakeGitHub, full_name: str) -> dict | None:
    repo = fake.repos.get(full_name)
    if repo is None:
        return None

    def obj(info, expression=None, oid=None):
        ref, _, path = (expression or "").partition(":")
        files = repo.resolve(ref)
        if files is None or path not in files:
            return None
        content = files[path]
        binary = isinstance(content, bytes)
        size = len(content if binary else content.encode())
        truncated = not binary and size > fake.graphql_text_limit
        return {"__typename": "Blob", "oid": blob_sha(content), "isBinary": binary, "byteSize": size,
                "isTruncated": truncated,
                "text": None if binary else content[: fake.graphql_text_limit] if truncated else content,
                "abbreviatedOid": blob_sha(content)[:7]}

    return {"__typename": "Repository", "nameWithOwner": full_name, "object": obj,
            "pullRequest": lambda info, number: _pull_request(fake, full_name, number)}


def _pull_request(fake: FakeGitHub, full_name: str, number: int) -> dict | None:
    if (full_name, number) not in fake.prs:
        return None
    threads = [t for t in fake.threads.values() if fake.thread_pr.get(t.id) == (full_name, number)]

    def review_threads(info, first=None, after=None, **_):
        start = int(base64.b64decode(after).decode()) if after else 0
        page = threads[start : start + (first or 100)]
        end = start + len(page)
        return {"totalCount": len(threads),
                "pageInfo": {"hasNextPage": end < len(threads), "endCursor": base64.b64encode(str(end).encode()).decode(),
                             "hasPreviousPage": start > 0, "startCursor": None},
                "nodes": [_thread(fake, t) for t in page]}

    return {"__typename": "PullRequest", "number": number, "reviewThreads": review_threads}


def _thread(fake: FakeGitHub, t) -> dict:
    def comments(info, first=None, **_):
        found = [fake.review_comment(cid) for cid in t.comment_ids][: first or 100]
        return {"totalCount": len(t.comment_ids),
                "nodes": [{"__typename": "PullRequestReviewComment", "body": c["body"], "databaseId": c["id"],
                           "path": c["path"], "line": c.get("line"), "author": _actor(c.get("user"))}
                          for c in found]}

    return {"__typename": "PullRequestReviewThread", "id": t.id, "isResolved": t.is_resolved,
            "path": fake.review_comment(t.comment_ids[0])["path"], "comments": comments}


def _actor(user: dict | None) -> dict | None:
    """A REST `user` as a GraphQL Actor: `Bot` for Apps, else `User`."""
    if not user:
        return None
    kind = "Bot" if user.get("type") == "Bot" else "User"
    return {"__typename": kind, "login": user.get("login", ""), "avatarUrl": "", "resourcePath": "/",
            "url": "https://github.com/"}


def _resolve(fake: FakeGitHub, thread_id: str) -> dict:
    t = fake.threads.get(thread_id)
    if t is None:
        raise graphql.GraphQLError(f"Could not resolve to a node with the global id of '{thread_id}'")
    t.is_resolved = True
    fake.resolved.append(thread_id)
    return {"thread": _thread(fake, t), "clientMutationId": None}
