"""GitLab merge requests: REST v4 over httpx, a Forge per job, status + discussions + sticky note."""
from bot.forges.gitlab.http import GitLabError, GitLabHTTP
from bot.forges.gitlab.instance import GitLabInstance

__all__ = ["GitLabError", "GitLabHTTP", "GitLabInstance"]
