"""The Forge protocol every source of changes implements (GitHub, GitLab, local git)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.config import ConfigError
from bot.job import Job
from bot.models import ChangedFile, PreviousFinding, Review


class Forge(Protocol):
    async def changes(self, job: Job) -> list[ChangedFile]:
        """Changed files of the pull request with their new-side hunks."""

    async def read_many(self, paths: Sequence[str], ref: str) -> Mapping[str, str | None]:
        """Text of each path at `ref` (None for binary/missing). Batched, never one request per file."""

    async def list_files(self, ref: str) -> list[str]:
        """Every file path in the repository at `ref` (for cross-file rules)."""

    async def read_config(self, job: Job) -> str | None:
        """`.readiness.yml` from the base branch (never from the pull request head)."""

    async def previous_state(self, job: Job) -> list[PreviousFinding] | None:
        """Findings of the last published review of this pull request, None if none."""

    async def is_current_head(self, job: Job) -> bool:
        """False when the pull request has moved on to another head sha (drop the result)."""

    async def publish(self, job: Job, review: Review) -> None:
        """Post the check/status, inline comments and sticky summary, idempotently."""

    async def publish_config_error(self, job: Job, error: ConfigError) -> None:
        """Fail the check with a summary that quotes the broken line of `.readiness.yml`."""


__all__ = ["Forge"]
