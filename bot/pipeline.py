"""One path for every mode: a Job goes through a Forge and the pure review core."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from bot.baseline import load_baseline
from bot.basetext import base_text
from bot.config import CONFIG_FILE, Config, ConfigError, load_text
from bot.forges.base import Forge
from bot.job import Job
from bot.models import ChangedFile, Review
from bot.parallel import POOL_THRESHOLD, shared_pool
from bot.review import FindingsCache, review
from checks import all_rules
from checks.registry import Rule
from checks.source import CONTENT_KINDS, file_kinds, path_kinds_for

log = logging.getLogger(__name__)

REPO_FILE_LIMIT = 1500  # other files read for cross-file rules, per review


def reviewable(changes: list[ChangedFile], config: Config) -> list[str]:
    return [c.path for c in changes
            if c.status != "deleted" and not c.binary and not config.is_excluded(c.path)]


def repo_paths_needed(all_paths: list[str], changed: list[str], config: Config,
                      rules: Mapping[str, Rule]) -> list[str]:
    """Other repository files the enabled cross-file rules may read, bounded."""
    changed_kinds = set()
    for p in changed:
        kinds = file_kinds(p)
        changed_kinds |= kinds | {k for k, path_kinds in CONTENT_KINDS.items() if kinds & path_kinds}
    direct: set[str] = set()
    for r in rules.values():
        if r.repo_kinds and config.settings(r.id).enabled and r.kinds & changed_kinds:
            direct |= r.repo_kinds
    # Kinds known only from the text (k8s, compose): read every file that may hold them, YAML before
    # JSON (most JSON files are package metadata or data), so the bound keeps the likeliest ones.
    wanted = path_kinds_for(direct)
    if not wanted:
        return []
    changed_set = set(changed)
    out = [p for p in all_paths
           if p not in changed_set and not config.is_excluded(p) and file_kinds(p) & wanted]
    out.sort(key=lambda p: 0 if file_kinds(p) & direct else 1 if "yaml" in file_kinds(p) else 2)
    return out[:REPO_FILE_LIMIT]


async def load_config(forge: Forge, job: Job) -> Config:
    return load_text(await forge.read_config(job))


async def run_job(forge: Forge, job: Job, *, cache: FindingsCache | None = None,
                  scope: str | None = None) -> Review | None:
    """Review a job and publish it. Returns None when the result was dropped or config is broken."""
    rules = all_rules()
    try:
        config = await load_config(forge, job)
    except ConfigError as exc:
        log.warning("config error in %s: %s", job.key, exc)
        await forge.publish_config_error(job, exc)
        return None
    if job.draft and not config.review_drafts and not job.forced:
        log.info("skipping draft %s", job.key)
        return None
    result = await review_job(forge, job, config, rules, cache=None if job.forced else cache, scope=scope,
                              parallel=True)
    if not await forge.is_current_head(job):
        log.info("dropping result for %s at %s: no longer the head", job.key, job.head_sha[:12])
        return None
    await forge.publish(job, result)
    return result


async def review_job(forge: Forge, job: Job, config: Config, rules: Mapping[str, Rule], *,
                     cache: FindingsCache | None = None, scope: str | None = None,
                     parallel: bool = False, jobs: int | None = None,
                     baseline: frozenset[str] | None = None,
                     coverage: Sequence[Path] = (), coverage_root: Path | None = None) -> Review:
    """Fetch what the review needs through the forge, then run the pure core off the event loop.

    `parallel`: reviews of at least `bot.parallel.POOL_THRESHOLD` files analyse them in the shared
    process pool (the service sets it); `jobs`: the CLI's `--jobs N` asks for N processes;
    `baseline`: fingerprints to leave out (else the config's `baseline:` file, read at the base);
    `coverage`: coverage report files (CLI and CI) for the Test Coverage section."""
    changes = await forge.changes(job)
    paths = reviewable(changes, config)
    texts = await forge.read_many(paths, job.head_sha) if paths else {}
    repo_texts: Mapping[str, str | None] = {}
    listed: list[str] | None = None  # every repository path, listed once for whoever needs it
    if any(r.repo_kinds for r in rules.values()):
        listed = await _list_files(forge, job)
        extra = repo_paths_needed(listed, paths, config, rules)
        if extra:
            repo_texts = await forge.read_many(extra, job.head_sha)
    scope = scope or config.scope
    base_texts = await _base_texts(forge, job, changes, paths, texts) if scope == "new" else None
    if baseline is None:
        baseline = await _baseline(forge, job, config)
    previous = await forge.previous_state(job)
    executor = None
    if (parallel or (jobs or 1) > 1) and len(paths) >= POOL_THRESHOLD:
        executor = shared_pool(jobs)
    pins = getattr(forge, "action_resolver", None)  # forges that can resolve action tags to commits
    result = await asyncio.to_thread(
        review, changes, texts, config, previous=previous,
        repo_texts={p: t for p, t in repo_texts.items() if t is not None},
        rules=rules, cache=cache, scope=scope, executor=executor, base_texts=base_texts, baseline=baseline,
        resolve=pins(asyncio.get_running_loop()) if pins is not None else None,
    )
    if coverage:
        if listed is None:
            listed = await _list_files(forge, job)
        await _add_coverage(forge, job, result, changes, config, rules, previous, coverage, coverage_root,
                            listed)
    result.ci = await _ci_results(forge, job)
    return result


async def _add_coverage(forge: Forge, job: Job, result: Review, changes: list[ChangedFile], config: Config,
                        rules: Mapping[str, Rule], previous, files: Sequence[Path], root: Path | None,
                        repo_files: list[str]) -> None:
    from bot.coverage.attach import add_coverage, go_mod_paths, mapper_for, read_reports

    reports = await asyncio.to_thread(read_reports, files, root)
    go_mods = go_mod_paths(repo_files)
    mods = await forge.read_many(go_mods, job.head_sha) if go_mods else {}
    add_coverage(result, reports, mapper_for(repo_files or None, mods, config), changes, config, rules, previous)


async def _ci_results(forge: Forge, job: Job):
    """The head commit's other checks (the bots' forges read them; local reviews have none)."""
    read = getattr(forge, "ci_results", None)
    if read is None:
        return None
    try:
        return await read(job)
    except Exception:  # the Build & CI section is best effort; the review itself must not fail
        log.warning("could not read CI results for %s", job.key, exc_info=True)
        return None


async def _base_texts(forge: Forge, job: Job, changes: list[ChangedFile], paths: list[str],
                      texts: Mapping[str, str | None]) -> dict[str, str | None]:
    """Each reviewed file's text at the merge base, by head path: rebuilt from the head text and the
    diff's hunks (no request), else read through the forge at the merge base (renames followed to
    the old path), in one batched read."""
    wanted = set(paths)
    out: dict[str, str | None] = {}
    unread: dict[str, str] = {}  # head path -> base path
    for c in changes:
        if c.path not in wanted or c.status == "added":
            continue
        head = texts.get(c.path)
        rebuilt = base_text(head, c) if head is not None else None
        if rebuilt is not None:
            out[c.path] = rebuilt
        else:
            unread[c.path] = c.old_path or c.path
    if unread:
        ref = await _merge_base(forge, job)
        if ref:
            read = await forge.read_many(list(dict.fromkeys(unread.values())), ref)
            out.update({head: read.get(old) for head, old in unread.items()})
    return out


async def _merge_base(forge: Forge, job: Job) -> str:
    finder = getattr(forge, "merge_base", None)
    if finder is not None:
        try:
            return await finder(job)
        except Exception:  # the base side is best effort: unknown base -> findings count as new
            log.warning("could not find the merge base of %s", job.key, exc_info=True)
    return job.base_sha


async def _baseline(forge: Forge, job: Job, config: Config) -> frozenset[str] | None:
    """Fingerprints of the baseline file the config names, read like the config (the base branch)."""
    if not config.baseline:
        return None
    ref = job.base_sha or job.base_ref or job.head_sha
    text = (await forge.read_many([config.baseline], ref)).get(config.baseline)
    if text is None:
        raise ConfigError(f"the baseline file {config.baseline!r} does not exist at {ref[:12] or 'the base'}",
                          path=CONFIG_FILE)
    return load_baseline(text, config.baseline)


async def _list_files(forge: Forge, job: Job) -> list[str]:
    try:
        return await forge.list_files(job.head_sha)
    except Exception:  # cross-file context is best effort; the review itself must not fail
        log.warning("could not list repository files for %s", job.key, exc_info=True)
        return []
