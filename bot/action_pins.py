"""Resolve a GitHub Action's tag or branch to its commit SHA, for the ci.unpinned-action fix.

Two resolvers behind the `checks.fixes.Resolver` interface: the GitHub bot asks the forge's API,
the CLI asks `git ls-remote`. Both are bounded (a few lookups per review, each with a timeout),
cached, and give up quietly: no SHA simply means no fix."""
from __future__ import annotations

import asyncio
import logging
import re
import subprocess
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

MAX_LOOKUPS = 30  # per review
TIMEOUT_SECONDS = 10
CACHE_SECONDS = 3600
_SHA = re.compile(r"^[0-9a-f]{40}$")
_NAME = re.compile(r"^[\w.-]+/[\w.-]+$")
_cache: dict[tuple[str, str], tuple[float, str | None]] = {}


class _Bounded:
    """Cache, lookup budget and 'stop after the first failure to reach anything' for one review."""

    def __init__(self, lookup: Callable[[str, str], str | None], budget: int = MAX_LOOKUPS):
        self.lookup = lookup
        self.budget = budget
        self.offline = False

    def __call__(self, repo: str, ref: str) -> str | None:
        if not _NAME.match(repo) or ref.startswith("-"):
            return None
        key = (repo.lower(), ref)
        hit = _cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
        if self.offline or self.budget <= 0:
            return None
        self.budget -= 1
        try:
            sha = self.lookup(repo, ref)
        except OSError as exc:  # no network: do not try the other actions
            log.info("cannot resolve %s@%s: %s", repo, ref, exc)
            self.offline = True
            return None
        sha = sha if sha and _SHA.match(sha) else None
        _cache[key] = (time.monotonic(), sha)
        return sha


def _ls_remote(repo: str, ref: str) -> str | None:
    try:
        proc = subprocess.run(
            ["git", "ls-remote", f"https://github.com/{repo}.git", f"refs/tags/{ref}", f"refs/tags/{ref}^{{}}",
             f"refs/heads/{ref}"],
            capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False,
            env={"GIT_TERMINAL_PROMPT": "0", "PATH": "/usr/bin:/bin:/usr/local/bin"})
    except subprocess.TimeoutExpired as exc:
        raise OSError("git ls-remote timed out") from exc
    if proc.returncode != 0:
        if "Could not resolve host" in proc.stderr or "unable to access" in proc.stderr:
            raise OSError(proc.stderr.strip().splitlines()[-1])
        return None
    refs = dict(reversed(line.split("\t", 1)) for line in proc.stdout.splitlines() if "\t" in line)
    # an annotated tag's commit is the peeled `^{}` entry
    return refs.get(f"refs/tags/{ref}^{{}}") or refs.get(f"refs/tags/{ref}") or refs.get(f"refs/heads/{ref}")


def git_resolver() -> Callable[[str, str], str | None]:
    """For the CLI: `git ls-remote` against github.com."""
    return _Bounded(_ls_remote)


def api_resolver(get: Callable[[str], Awaitable[dict]], loop: asyncio.AbstractEventLoop
                 ) -> Callable[[str, str], str | None]:
    """For the GitHub bot: `GET /repos/{repo}/commits/{ref}` through the installation client, called
    from the review's worker thread on the service's event loop."""

    def lookup(repo: str, ref: str) -> str | None:
        future = asyncio.run_coroutine_threadsafe(get(f"/repos/{repo}/commits/{ref}"), loop)
        try:
            data = future.result(timeout=TIMEOUT_SECONDS)
        except TimeoutError as exc:
            future.cancel()
            raise OSError("the forge did not answer in time") from exc
        except Exception as exc:  # noqa: BLE001  (404: a deleted tag, 403: rate limit...): no fix
            log.info("cannot resolve %s@%s: %s", repo, ref, exc)
            return None
        return (data or {}).get("sha") if isinstance(data, dict) else None

    return _Bounded(lookup)
