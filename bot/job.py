"""A normalized review request: which pull/merge request, at which head, and why."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Job:
    forge: str  # "github" | "gitlab" | "local"
    repo: str  # "owner/name" (GitHub), project path or id (GitLab)
    number: int  # pull request / merge request number (iid on GitLab)
    head_sha: str
    base_ref: str = ""  # target branch name: the config is read from here
    base_sha: str = ""
    installation_id: int | None = None  # GitHub App installation
    project_id: int | None = None  # GitLab project id
    delivery_id: str = ""
    event: str = ""  # e.g. "pull_request.synchronize", "issue_comment.recheck"
    forced: bool = False  # explicit recheck: analyse every file again, no findings cache
    requested_by: str = ""
    draft: bool = False

    @property
    def key(self) -> str:
        """Identity of the pull request: a newer job with the same key supersedes older ones."""
        return f"{self.forge}:{self.repo}#{self.number}"

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, data: str | bytes) -> Job:
        raw = json.loads(data)
        return cls(**{k: v for k, v in raw.items() if k in cls.__dataclass_fields__})
