"""The GitHub forge: App auth, a careful HTTP layer, batched fetching and idempotent publishing."""
from bot.forges.github.app import GitHubApp
from bot.forges.github.auth import AppAuth
from bot.forges.github.endpoints import graphql_url
from bot.forges.github.forge import GitHubForge
from bot.forges.github.http import GitHubError, GitHubHTTP, HttpPolicy

__all__ = ["AppAuth", "GitHubApp", "GitHubError", "GitHubForge", "GitHubHTTP", "HttpPolicy", "graphql_url"]
