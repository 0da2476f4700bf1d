"""The one fake GitHub of the test suite: an aiohttp server answering like GitHub, contract-checked.

Every REST request is validated against GitHub's OpenAPI description and every GraphQL document
against GitHub's schema; anything the contract does not allow is answered with an error and
recorded in `violations` (the `fake_github` fixture fails the test on any). Knobs: `inject()` for
502s / 403+Retry-After / anything, `expire_tokens()` for 401s, `delay` per request.
"""
from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import jwt
from aiohttp import web
from yarl import URL

from tests.github import contract, fake_graphql
from tests.github.fake_ci import CIMixin
from tests.github.fake_comments import BOT, CommentsMixin
from tests.github.fake_faults import FaultsMixin
from tests.github.fake_state import PullRequest, Repo, Thread, blob_sha, next_id

_ID = re.compile(r"/[0-9a-f]{40}|/\d+")


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeGitHub(CommentsMixin, FaultsMixin, CIMixin):
    def __init__(self, app_id: int, public_key: str):
        self.app_id = app_id
        self.public_key = public_key
        self.repos: dict[str, Repo] = {}
        self.prs: dict[tuple[str, int], PullRequest] = {}
        self.check_runs: dict[int, dict] = {}
        self.reviews: list[dict] = []
        self.review_comments: list[dict] = []
        self.threads: dict[str, Thread] = {}
        self.thread_pr: dict[str, tuple[str, int]] = {}
        self.resolved: list[str] = []
        self.issue_comments: list[dict] = []
        self.reactions: list[dict] = []
        self.permissions: dict[tuple[str, str], str] = {}
        self.tokens: dict[str, int] = {}
        self.token_scope: dict[str, set[str] | None] = {}  # token -> repository names (None: all)
        self.revoked: set[str] = set()
        self.requests: list[tuple[str, str]] = []
        self.violations: list[str] = []
        self.injected: list[dict] = []
        self.delay = 0.0
        self.graphql_text_limit = 512 * 1024
        self.base_url = ""
        self._faults_init()
        self._ci_init()

    # --- scenario building -----------------------------------------------------------------------
    def add_pr(self, repo: str, number: int, base: dict, head: dict, *, author: str = "Codertocat",
               draft: bool = False, base_ref: str = "master") -> PullRequest:
        r = self.repos.setdefault(repo, Repo(repo))
        base_sha = r.commit(base)
        r.branches[base_ref] = base_sha
        pr = PullRequest(r, number, base_ref, base_sha, r.commit(head), author=author, draft=draft)
        self.prs[(repo, number)] = pr
        return pr

    def push(self, repo: str, number: int, head: dict) -> str:
        pr = self.prs[(repo, number)]
        pr.head_sha = pr.repo.commit(head)
        return pr.head_sha

    def inject(self, status: int | None, *, times: int = 1, match: str = "", headers: dict | None = None,
               body: dict | None = None, delay: float = 0.0) -> None:
        """The next `times` requests whose "METHOD path" contains `match` get this answer instead
        (after `delay` seconds; `status=None` only delays and then answers normally)."""
        self.injected.append({"status": status, "times": times, "match": match, "headers": headers or {},
                              "body": body or {"message": "injected"}, "delay": delay})

    def expire_tokens(self) -> None:
        self.revoked |= set(self.tokens)

    # --- queries for assertions ------------------------------------------------------------------
    def review_comment(self, cid: int) -> dict:
        return next(c for c in self.review_comments if c["id"] == cid)

    def checks(self, sha: str | None = None) -> list[dict]:
        return [c for c in self.check_runs.values() if sha is None or c["head_sha"] == sha]

    def summaries(self, number: int) -> list[dict]:
        return [c for c in self.issue_comments if c["number"] == number and "readiness:summary" in c["body"]]

    def count(self, method: str = "", contains: str = "") -> int:
        return sum(1 for m, p in self.requests if m.startswith(method) and contains in p)

    def request_kinds(self) -> Counter:
        return Counter(f"{m} {_ID.sub('/:id', p)}" for m, p in self.requests)

    # --- HTTP ------------------------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application(client_max_size=30 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.Response:
        path, method = request.path, request.method
        self.requests.append((method, path))
        if self.delay:
            await asyncio.sleep(self.delay)
        raw = await request.read()
        fault = await self._fault(method, path)
        if fault is not None:
            return fault
        for inj in self.injected:
            if inj["times"] > 0 and inj["match"] in f"{method} {path}":
                inj["times"] -= 1
                if inj["delay"]:
                    await asyncio.sleep(inj["delay"])
                if inj["status"] is None:
                    break
                return web.json_response(inj["body"], status=inj["status"], headers=inj["headers"])
        if path == "/graphql" and method == "POST":
            if not self._authorized(request):
                return web.json_response({"message": "Bad credentials"}, status=401)
            payload = await request.json()
            if not self._in_scope(request, (payload.get("variables") or {}).get("name")):
                return web.json_response({"data": {"repository": None}, "errors": [
                    {"type": "NOT_FOUND", "message": "Could not resolve to a Repository"}]})
            body, problems = fake_graphql.execute(self, payload.get("query", ""), payload.get("variables"))
            self.violations.extend(problems)
            return web.json_response(body)
        problems = contract.rest_errors(method, path, dict(request.query), raw,
                                        request.headers.get("Content-Type"))
        if problems:
            self.violations.extend(f"{method} {path}: {p}" for p in problems)
            unknown = any(p.startswith(("PathNotFound", "OperationNotFound")) for p in problems)
            return web.json_response({"message": "Not Found" if unknown else "Invalid request",
                                      "errors": problems}, status=404 if unknown else 422)
        if path.startswith("/app/"):
            return self._access_token(request, path, raw)
        if not self._authorized(request):
            return web.json_response({"message": "Bad credentials"}, status=401)
        if path.startswith("/repos/") and not self._in_scope(request, path.split("/")[3]):
            return web.json_response({"message": "Not Found"}, status=404)  # what GitHub says outside a token's scope
        body = await request.json() if raw else {}
        for pattern, handler in self._routes():
            m = re.fullmatch(pattern, f"{method} {path}")
            if m:
                return handler(request, body, **m.groupdict())
        self.violations.append(f"{method} {path}: allowed by the contract but not faked")
        return web.json_response({"message": "Not Found"}, status=404)

    def _routes(self):
        repo = r"/repos/(?P<repo>[^/]+/[^/]+)"
        return [
            (rf"GET {repo}/pulls/(?P<n>\d+)", self._get_pr),
            (rf"GET {repo}/pulls/(?P<n>\d+)/files", self._pr_files),
            (rf"GET {repo}/git/trees/(?P<ref>[^/]+)", self._tree),
            (rf"GET {repo}/git/blobs/(?P<sha>[0-9a-f]+)", self._blob),
            (rf"POST {repo}/check-runs", self._create_check),
            (rf"PATCH {repo}/check-runs/(?P<cid>\d+)", self._update_check),
            (rf"POST {repo}/pulls/(?P<n>\d+)/reviews", self._create_review),
            (rf"GET {repo}/pulls/(?P<n>\d+)/comments", self._review_comments),
            (rf"GET {repo}/issues/(?P<n>\d+)/comments", self._issue_comments),
            (rf"POST {repo}/issues/(?P<n>\d+)/comments", self._create_comment),
            (rf"PATCH {repo}/issues/comments/(?P<cid>\d+)", self._edit_comment),
            (rf"POST {repo}/issues/comments/(?P<cid>\d+)/reactions", self._react),
            (rf"GET {repo}/collaborators/(?P<user>[^/]+)/permission", self._permission),
            *self._ci_routes(repo),
        ]

    def _authorized(self, request: web.Request) -> bool:
        auth = request.headers.get("Authorization", "")
        token = auth.split(" ", 1)[1] if " " in auth else ""
        return token in self.tokens and token not in self.revoked

    def _in_scope(self, request: web.Request, repo_name: str | None) -> bool:
        token = request.headers.get("Authorization", "").partition(" ")[2]
        scope = self.token_scope.get(token)
        return scope is None or repo_name is None or repo_name in scope

    def _access_token(self, request: web.Request, path: str, raw: bytes = b"") -> web.Response:
        auth = request.headers.get("Authorization", "")
        try:
            claims = jwt.decode(auth.removeprefix("Bearer "), self.public_key, algorithms=["RS256"],
                                options={"require": ["iat", "exp", "iss"]})
        except jwt.PyJWTError as exc:
            return web.json_response({"message": f"A JSON web token could not be decoded: {exc}"}, status=401)
        now = time.time()
        if str(claims["iss"]) != str(self.app_id) or claims["exp"] - claims["iat"] > 600 or claims["iat"] > now:
            self.violations.append(f"bad App JWT claims {claims}")
            return web.json_response({"message": "'Expiration time' claim ('exp') is too far in the future"},
                                     status=401)
        inst = int(path.split("/")[3])
        token = "ghs_" + secrets.token_hex(16)
        self.tokens[token] = inst
        repos = (json.loads(raw) if raw else {}).get("repositories")
        self.token_scope[token] = set(repos) if repos else None
        body = contract.example("installation-token")
        body.update(token=token, expires_at=_iso(datetime.now(timezone.utc) + timedelta(hours=1)))
        return web.json_response(body, status=201)

    def _paginate(self, request: web.Request, items: list) -> web.Response:
        per_page = min(int(request.query.get("per_page", 30)), 100)
        page = int(request.query.get("page", 1))
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = {}
        last = max(1, -(-len(items) // per_page))
        if page < last:
            url = URL(self.base_url).with_path(request.path)
            nxt = url.with_query({**request.query, "per_page": per_page, "page": page + 1})
            end = url.with_query({**request.query, "per_page": per_page, "page": last})
            headers["Link"] = f'<{nxt}>; rel="next", <{end}>; rel="last"'
        return web.json_response(chunk, headers=headers)

    def _pr(self, repo: str, n: str) -> PullRequest:
        pr = self.prs.get((repo, int(n)))
        if pr is None:
            raise web.HTTPNotFound(text='{"message": "Not Found"}', content_type="application/json")
        return pr

    # --- handlers --------------------------------------------------------------------------------
    def _get_pr(self, request, body, repo, n):
        pr = self._pr(repo, n)
        data = contract.example("pull-request")
        data.update(number=pr.number, state=pr.state, draft=pr.draft)
        data["user"]["login"] = pr.author
        data["head"].update(sha=pr.head_sha, ref=f"pr-{pr.number}")
        data["base"].update(sha=pr.base_sha, ref=pr.base_ref)
        return web.json_response(data)

    def _pr_files(self, request, body, repo, n):
        return self._paginate(request, self._pr(repo, n).files()[:3000])

    def _tree(self, request, body, repo, ref):
        files = self.repos[repo].resolve(ref)
        if files is None:
            return web.json_response({"message": "Not Found"}, status=404)
        tree = [{"path": p, "mode": "100644", "type": "blob", "sha": blob_sha(t), "size": len(t)}
                for p, t in sorted(files.items())]
        return web.json_response({"sha": ref, "url": "", "tree": tree, "truncated": False})

    def _blob(self, request, body, repo, sha):
        import base64

        for files in self.repos[repo].commits.values():
            for content in files.values():
                if blob_sha(content) == sha:
                    data = content.encode() if isinstance(content, str) else content
                    return web.json_response({"sha": sha, "size": len(data), "encoding": "base64", "url": "",
                                              "node_id": "B_" + sha[:8],
                                              "content": base64.b64encode(data).decode()})
        return web.json_response({"message": "Not Found"}, status=404)

    def _create_check(self, request, body, repo):
        cid = next_id()
        run = {"id": cid, "repo": repo, "name": body["name"], "head_sha": body["head_sha"],
               "status": body.get("status", "queued"), "conclusion": body.get("conclusion"),
               "output": dict(body.get("output") or {}), "annotations": [], "patches": 0}
        self.check_runs[cid] = run
        data = contract.example("check-run")
        data.update({k: run[k] for k in ("id", "name", "head_sha", "status", "conclusion")})
        return web.json_response(data, status=201)

    def _update_check(self, request, body, repo, cid):
        run = self.check_runs.get(int(cid))
        if run is None or run["repo"] != repo:
            return web.json_response({"message": "Not Found"}, status=404)
        run["patches"] += 1
        output = dict(body.get("output") or {})
        run["annotations"].extend(output.pop("annotations", []))
        run["output"].update(output)
        for key in ("status", "conclusion"):
            if key in body:
                run[key] = body[key]
        data = contract.example("check-run")
        data.update({k: run[k] for k in ("id", "name", "head_sha", "status", "conclusion")})
        return web.json_response(data)

    def _create_review(self, request, body, repo, n):
        pr = self._pr(repo, n)
        if body.get("commit_id") and body["commit_id"] not in pr.repo.commits:
            return web.json_response({"message": "Unprocessable Entity", "errors": ["commit_id"]}, status=422)
        placed = []
        for c in body.get("comments", []):
            hunks = pr.hunks(c["path"])
            line, start = c.get("line"), c.get("start_line", c.get("line"))
            ok = line is not None and c.get("side", "RIGHT") == "RIGHT" and any(
                lo <= start <= line <= hi for lo, hi in hunks)
            if not ok:  # GitHub refuses the whole review
                return web.json_response({"message": "Unprocessable Entity",
                                          "errors": ["Line could not be resolved"]}, status=422)
            placed.append(c)
        review_id = next_id()
        self.reviews.append({"id": review_id, "repo": repo, "number": pr.number, "event": body.get("event"),
                             "commit_id": body.get("commit_id"), "body": body.get("body", ""),
                             "comments": len(placed)})
        for c in placed:
            cid = next_id()
            self.review_comments.append({**c, "id": cid, "number": pr.number, "repo": repo, "user": dict(BOT),
                                         "pull_request_review_id": review_id})
            tid = f"PRRT_{cid}"
            self.threads[tid] = Thread(tid, [cid])
            self.thread_pr[tid] = (repo, pr.number)
        data = contract.example("pull-request-review")
        data.update(id=review_id, body=body.get("body", ""), state="COMMENTED")
        return web.json_response(data)
