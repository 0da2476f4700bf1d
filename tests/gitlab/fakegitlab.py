"""The one fake GitLab of the suite: an aiohttp server with projects, MRs, diffs, notes, statuses in memory.

Answers like GitLab REST v4 and rejects what GitLab rejects: request bodies are validated against
the request JSON Schemas (a violation is a 400 and lands in `violations`, which the fixture fails
on); a discussion position off the diff, `old_line` on an added file or stale/missing shas is a
400 recorded in `rejections`. Knobs: `inject()` for 502s, 429 + Retry-After, delays.
"""
from __future__ import annotations

import asyncio
import difflib
import hashlib
import itertools
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from aiohttp import web
from yarl import URL

from bot.forges.gitlab.positions import line_map
from tests.gitlab import contract
from tests.gitlab.fake_ci import CIMixin

TOKEN = "glpat-readiness-test"
NOW = "2025-01-01T00:00:00.000Z"
_ids = itertools.count(5000)


def blob_id(text: str | bytes) -> str:
    data = text.encode() if isinstance(text, str) else text
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def make_diff(old: str | None, new: str | None) -> str:
    a, b = (old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True)
    lines = list(difflib.unified_diff(a, b, n=3))[2:]
    return "".join(x if x.endswith("\n") else x + "\n" for x in lines)


@dataclass
class Project:
    id: int
    path: str
    commits: dict[str, dict] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)

    def commit(self, files: dict) -> str:
        sha = hashlib.sha1(f"{self.path}:{next(_ids)}".encode()).hexdigest()
        self.commits[sha] = dict(files)
        return sha


@dataclass
class MergeRequest:
    project: Project
    iid: int
    author: dict
    target_branch: str
    base_sha: str
    head_sha: str
    draft: bool = False
    state: str = "opened"
    versions: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    discussions: list[dict] = field(default_factory=list)
    head_pipeline: dict | None = None

    def add_version(self) -> None:
        self.versions.insert(0, {"id": next(_ids), "head_commit_sha": self.head_sha, "base_commit_sha": self.base_sha,
                                 "start_commit_sha": self.base_sha, "created_at": NOW, "merge_request_id": self.iid,
                                 "state": "collected", "real_size": "1"})

    def diffs(self) -> list[dict]:
        base, head = self.project.commits[self.base_sha], self.project.commits[self.head_sha]
        out = []
        for path in sorted(set(base) | set(head)):
            old, new = base.get(path), head.get(path)
            if old == new:
                continue
            binary = isinstance(old, bytes) or isinstance(new, bytes)
            out.append({"old_path": path, "new_path": path, "a_mode": "0" if old is None else "100644",
                        "b_mode": "0" if new is None else "100644", "new_file": old is None,
                        "renamed_file": False, "deleted_file": new is None, "generated_file": False,
                        "diff": f"Binary files a/{path} and b/{path} differ\n" if binary else make_diff(old, new)})
        return out


def user(uid: int, username: str) -> dict:
    return {"id": uid, "username": username, "name": username.title(), "state": "active", "locked": False,
            "avatar_url": f"https://gitlab.example/{username}.png", "web_url": f"https://gitlab.example/{username}"}


BOT = user(900, "readiness-bot")


class FakeGitLab(CIMixin):
    def __init__(self):
        self._ci_init()
        self.projects: dict[int, Project] = {}
        self.mrs: dict[tuple[int, int], MergeRequest] = {}
        self.members: dict[tuple[int, str], int] = {}  # (project, username) -> access level
        self.statuses: list[dict] = []
        self.awards: list[dict] = []
        self.requests: list[tuple[str, str]] = []
        self.violations: list[str] = []
        self.rejections: list[str] = []
        self.injected: list[dict] = []
        self.base_url = ""

    # --- scenario building -----------------------------------------------------------------------
    def add_mr(self, pid: int, iid: int, base: dict, head: dict, *, author: str = "alice", draft: bool = False,
               target: str = "main", path: str = "acme/service") -> MergeRequest:
        p = self.projects.setdefault(pid, Project(pid, path))
        base_sha = p.commit(base)
        p.branches[target] = base_sha
        uid = 100 + len(self.members) + len(self.mrs)
        mr = MergeRequest(p, iid, user(uid, author), target, base_sha, p.commit(head), draft=draft)
        mr.add_version()
        self.mrs[(pid, iid)] = mr
        return mr

    def push(self, mr: MergeRequest, head: dict) -> str:
        mr.head_sha = mr.project.commit(head)
        mr.add_version()
        return mr.head_sha

    def inject(self, status: int | None, *, times: int = 1, match: str = "", headers: dict | None = None,
               delay: float = 0.0) -> None:
        """The next `times` requests whose "METHOD path" contains `match` get `status` (None: only delay)."""
        self.injected.append({"status": status, "times": times, "match": match, "headers": headers or {},
                              "delay": delay})

    # --- queries for assertions ------------------------------------------------------------------
    def summaries(self, mr: MergeRequest) -> list[dict]:
        return [n for n in mr.notes if "readiness:summary" in n["body"]]

    def status(self, sha: str) -> dict | None:
        mine = [s for s in self.statuses if s["sha"] == sha and s["name"] == "readiness"]
        return mine[-1] if mine else None

    def count(self, method: str = "", contains: str = "") -> int:
        return sum(1 for m, p in self.requests if m.startswith(method) and contains in p)

    # --- HTTP ------------------------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method, raw_path = request.method, request.raw_path.split("?", 1)[0]
        self.requests.append((method, raw_path))
        for inj in self.injected:
            if inj["times"] > 0 and inj["match"] in f"{method} {raw_path}":
                inj["times"] -= 1
                await asyncio.sleep(inj["delay"])
                if inj["status"] is not None:
                    return web.json_response({"message": f"{inj['status']} injected"}, status=inj["status"],
                                             headers=inj["headers"])
                break
        if request.headers.get("PRIVATE-TOKEN") != TOKEN:
            return web.json_response({"message": "401 Unauthorized"}, status=401)
        body = await request.json() if request.can_read_body else None
        for pattern, kind, handler in self._routes():
            m = re.fullmatch(pattern, f"{method} {raw_path}")
            if m:
                problems = contract.request_errors(method, kind, body or {})
                if problems:
                    self.violations.extend(f"{method} {raw_path}: {p}" for p in problems)
                    return web.json_response({"message": {"error": problems}}, status=400)
                return handler(request, body or {}, **m.groupdict())
        return web.json_response({"message": "404 Not Found"}, status=404)

    def _routes(self):
        mr = r"/api/v4/projects/(?P<pid>\d+)/merge_requests/(?P<iid>\d+)"
        repo = r"/api/v4/projects/(?P<pid>\d+)/repository"
        return [
            (r"GET /api/v4/user", "", lambda r, b: web.json_response(BOT)),
            (rf"GET {mr}", "", self._get_mr),
            (rf"GET {mr}/versions", "", lambda r, b, pid, iid: self._page(r, self._mr(pid, iid).versions)),
            (rf"GET {mr}/diffs", "", lambda r, b, pid, iid: self._page(r, self._mr(pid, iid).diffs())),
            (rf"GET {repo}/files/(?P<path>[^/]+)/raw", "", self._raw),
            (rf"GET {repo}/blobs/(?P<sha>[0-9a-f]{{40}})/raw", "", self._blob),
            (rf"GET {repo}/tree", "", self._tree),
            (r"POST /api/v4/projects/(?P<pid>\d+)/statuses/(?P<sha>[0-9a-f]{40})", "statuses", self._status),
            (rf"GET {mr}/discussions", "", lambda r, b, pid, iid: self._page(r, self._mr(pid, iid).discussions)),
            (rf"POST {mr}/discussions", "discussions", self._discuss),
            (rf"PUT {mr}/discussions/(?P<did>[0-9a-f]+)", "discussion", self._resolve),
            (rf"GET {mr}/notes", "", self._list_notes),
            (rf"POST {mr}/notes", "notes", self._add_note),
            (rf"PUT {mr}/notes/(?P<nid>\d+)", "note", self._edit_note),
            (rf"POST {mr}/notes/(?P<nid>\d+)/award_emoji", "", self._award),
            (r"GET /api/v4/projects/(?P<pid>\d+)/members/all", "", self._members),
            *self._ci_routes(),
        ]

    def _page(self, request: web.Request, items: list) -> web.Response:
        per_page = min(int(request.query.get("per_page", 20)), 100)
        page = int(request.query.get("page", 1))
        pages = max(1, -(-len(items) // per_page))
        headers = {"X-Page": str(page), "X-Per-Page": str(per_page), "X-Total": str(len(items)),
                   "X-Total-Pages": str(pages), "X-Next-Page": str(page + 1) if page < pages else ""}
        if page < pages:
            nxt = URL(self.base_url).with_path(request.path).with_query({**request.query, "page": page + 1})
            headers["Link"] = f'<{nxt}>; rel="next"'
        return web.json_response(items[(page - 1) * per_page: page * per_page], headers=headers)

    def _mr(self, pid: str, iid: str) -> MergeRequest:
        mr = self.mrs.get((int(pid), int(iid)))
        if mr is None:
            raise web.HTTPNotFound(text='{"message": "404 Not found"}', content_type="application/json")
        return mr

    @staticmethod
    def _bad(message: str) -> web.Response:
        return web.json_response({"message": f"400 Bad request - {message}"}, status=400)

    # --- handlers --------------------------------------------------------------------------------
    def _get_mr(self, request, body, pid, iid):
        mr = self._mr(pid, iid)
        data = contract.response("merge_request.get")
        web_url = f"https://gitlab.example/{mr.project.path}/-/merge_requests/{mr.iid}"
        data.update(id=mr.iid + 10_000, iid=mr.iid, project_id=mr.project.id, source_project_id=mr.project.id,
                    target_project_id=mr.project.id, state=mr.state, sha=mr.head_sha, draft=mr.draft,
                    work_in_progress=mr.draft, target_branch=mr.target_branch, author=mr.author, web_url=web_url,
                    title=("Draft: " if mr.draft else "") + "Change things", closed_by=None, closed_at=None,
                    diff_refs={"base_sha": mr.base_sha, "head_sha": mr.head_sha, "start_sha": mr.base_sha},
                    head_pipeline=self.head_pipeline_json(mr))
        return web.json_response(data)

    def _files(self, pid: str, ref: str) -> dict | None:
        p = self.projects[int(pid)]
        return p.commits.get(p.branches.get(ref, ref))

    def _raw(self, request, body, pid, path):
        files = self._files(pid, request.query.get("ref", ""))
        content = (files or {}).get(unquote(path))
        if content is None:
            return web.json_response({"message": "404 File Not Found"}, status=404)
        data = content.encode() if isinstance(content, str) else content
        return web.Response(body=data, content_type="text/plain", headers={"X-Gitlab-Blob-Id": blob_id(content)})

    def _blob(self, request, body, pid, sha):
        for files in self.projects[int(pid)].commits.values():
            for content in files.values():
                if blob_id(content) == sha:
                    return web.Response(body=content.encode() if isinstance(content, str) else content)
        return web.json_response({"message": "404 Blob Not Found"}, status=404)

    def _tree(self, request, body, pid):
        files = self._files(pid, request.query.get("ref", ""))
        if files is None:
            return web.json_response({"message": "404 Tree Not Found"}, status=404)
        items = [{"id": blob_id(t), "name": p.rsplit("/", 1)[-1], "type": "blob", "path": p, "mode": "100644"}
                 for p, t in sorted(files.items())]
        return self._page(request, items)

    def _status(self, request, body, pid, sha):
        if sha not in self.projects[int(pid)].commits:
            return web.json_response({"message": "404 Commit Not Found"}, status=404)
        name = body.get("name") or body.get("context") or "default"
        last = next((s for s in reversed(self.statuses) if s["sha"] == sha and s["name"] == name), None)
        if last and last["status"] in ("pending", "running") and last["status"] == body["state"]:
            return self._bad(f"Cannot transition status via :{body['state']} from :{last['status']}")
        if last and last["status"] in ("pending", "running"):
            last.update(status=body["state"], description=body.get("description"), target_url=body.get("target_url"))
            return web.json_response(last, status=201)
        status = {"id": next(_ids), "sha": sha, "name": name, "status": body["state"], "ref": None,
                  "description": body.get("description"), "target_url": body.get("target_url"),
                  "author": BOT, "created_at": NOW, "started_at": None, "finished_at": None, "allow_failure": False}
        self.statuses.append(status)
        return web.json_response(status, status=201)

    def _note(self, mr: MergeRequest, body: str, **extra) -> dict:
        return {"id": next(_ids), "type": None, "body": body, "attachment": None, "author": BOT, "created_at": NOW,
                "updated_at": NOW, "system": False, "noteable_id": mr.iid + 10_000, "noteable_iid": mr.iid,
                "noteable_type": "MergeRequest", "resolvable": False, "confidential": False, "internal": False,
                **extra}

    def _discuss(self, request, body, pid, iid):
        mr = self._mr(pid, iid)
        pos = body.get("position")
        if pos is not None:
            problem = self._position_problem(mr, pos)
            if problem:
                self.rejections.append(problem)
                return self._bad(f"Note {{:line_code=>[\"can't be blank\", \"must be a valid line code\"]}}"
                                 f" ({problem})")
        note = self._note(mr, body["body"], type="DiffNote" if pos else "DiscussionNote", resolvable=True,
                          resolved=False, resolved_by=None, resolved_at=None, position=pos)
        discussion = {"id": hashlib.sha1(str(note["id"]).encode()).hexdigest(), "individual_note": False,
                      "notes": [note]}
        mr.discussions.append(discussion)
        return web.json_response(discussion, status=201)

    def _position_problem(self, mr: MergeRequest, pos: dict) -> str | None:
        v = mr.versions[0]
        if (pos["base_sha"], pos["start_sha"], pos["head_sha"]) != (v["base_commit_sha"], v["start_commit_sha"],
                                                                   v["head_commit_sha"]):
            return "position shas are not the latest diff version"
        entry = next((d for d in mr.diffs() if d["new_path"] == pos.get("new_path")), None)
        if entry is None or entry["old_path"] != pos.get("old_path"):
            return f"{pos.get('new_path')} is not in the diff"
        old_line, lines = pos.get("old_line"), line_map(entry["diff"])
        if entry["new_file"] and old_line is not None:
            return f"old_line on the added file {entry['new_path']}"
        new_line = pos.get("new_line")
        if new_line not in lines or lines[new_line] != old_line:
            return f"{entry['new_path']}:{new_line} (old {old_line}) is not a line of the diff"
        return None

    def _resolve(self, request, body, pid, iid, did):
        mr = self._mr(pid, iid)
        d = next((d for d in mr.discussions if d["id"] == did), None)
        if d is None:
            return web.json_response({"message": "404 Not found"}, status=404)
        for n in d["notes"]:
            n.update(resolved=body["resolved"], resolved_by=BOT if body["resolved"] else None)
        return web.json_response(d)

    def _list_notes(self, request, body, pid, iid):
        mr = self._mr(pid, iid)
        diff_notes = [{k: v for k, v in d["notes"][0].items() if k not in ("position", "resolved_by")}
                      for d in mr.discussions]
        plain = [{k: v for k, v in n.items() if k != "edits"} for n in mr.notes]
        notes = sorted(plain + diff_notes, key=lambda n: n["id"], reverse=request.query.get("sort") != "asc")
        missing = contract.missing_fields("notes", notes)
        if missing:
            self.violations.append(f"fake notes lack {missing}")
        return self._page(request, notes)

    def _add_note(self, request, body, pid, iid):
        mr = self._mr(pid, iid)
        note = self._note(mr, body["body"], edits=0)
        mr.notes.append(note)
        return web.json_response({k: v for k, v in note.items() if k != "edits"}, status=201)

    def _edit_note(self, request, body, pid, iid, nid):
        note = next((n for n in self._mr(pid, iid).notes if n["id"] == int(nid)), None)
        if note is None or note["author"]["id"] != BOT["id"]:
            return web.json_response({"message": "404 Not found"}, status=404 if note is None else 403)
        note.update(body=body["body"], edits=note["edits"] + 1)
        return web.json_response({k: v for k, v in note.items() if k != "edits"})

    def _award(self, request, body, pid, iid, nid):
        name = body.get("name")
        if not name:
            return self._bad("name is missing")
        if any(a["note_id"] == int(nid) and a["name"] == name for a in self.awards):
            return web.json_response({"message": "404 Award Emoji Not Found"}, status=404)  # already awarded
        award = {"id": next(_ids), "name": name, "user": BOT, "awardable_type": "Note", "note_id": int(nid),
                 "awardable_id": int(nid), "created_at": NOW, "updated_at": NOW}
        self.awards.append(award)
        return web.json_response(award, status=201)

    def _members(self, request, body, pid):
        query = request.query.get("query", "").lower()
        items = [{**user(200 + i, name), "access_level": level, "expires_at": None, "created_at": NOW}
                 for i, ((p, name), level) in enumerate(sorted(self.members.items()))
                 if p == int(pid) and query in name.lower()]
        missing = contract.missing_fields("members", items)
        if missing:
            self.violations.append(f"fake members lack {missing}")
        return self._page(request, items)
