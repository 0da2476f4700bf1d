"""Analyse the files of a big review in a process pool, so the CPU-bound rules run in parallel and off
the event loop. Only single-file rules run there; cross-file rules stay in the caller, which holds the
repository view. Files go in chunks and come back in order, so results equal a sequential run."""
from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor

from bot.config import Config
from bot.engine import FileResult, analyze_file
from checks.registry import Rule
from checks.source import SourceFile

log = logging.getLogger(__name__)

POOL_THRESHOLD = 200  # files to analyse in one review before the pool is worth its pickling
CHUNK_CHARS = 2_000_000  # characters of text per chunk (a few hundred ordinary files)
CHUNK_FILES = 256

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def workers() -> int:
    """Analysis processes: READINESS_ANALYSIS_PROCESSES, else one per CPU."""
    env = os.environ.get("READINESS_ANALYSIS_PROCESSES")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover (not Linux)
        return max(1, os.cpu_count() or 1)


def shared_pool(processes: int | None = None) -> ProcessPoolExecutor | None:
    """The process-wide pool (created on first use), or None for a single process."""
    global _pool
    n = processes or workers()
    if n < 2:
        return None
    with _pool_lock:
        if _pool is None:
            # forkserver: the service has threads (event loop, to_thread workers); forking it is unsafe.
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            if ctx.get_start_method() == "forkserver":
                ctx.set_forkserver_preload(["bot.parallel", "checks.catalog"])  # workers start warm
            _pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_warm)
        return _pool


def shutdown() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None


def _warm() -> None:
    from checks import all_rules

    all_rules()


def _chunks(files: Sequence[SourceFile]) -> list[list[tuple[str, str]]]:
    out: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    size = 0
    for f in files:
        cur.append((f.path, f.text))
        size += len(f.text)
        if size >= CHUNK_CHARS or len(cur) >= CHUNK_FILES:
            out.append(cur)
            cur, size = [], 0
    if cur:
        out.append(cur)
    return out


def analyze_in_pool(executor: Executor, files: Sequence[SourceFile], rules: Mapping[str, Rule],
                    config: Config) -> list[FileResult] | None:
    """Results of `rules` on each file, computed in `executor`; None when the pool should not be used
    (too few files, or rules that are not the registry's own, which the workers could not rebuild)."""
    if len(files) < POOL_THRESHOLD:
        return None
    from checks import all_rules

    registry = all_rules()
    if any(registry.get(rid) is not r for rid, r in rules.items()):
        return None
    ids = tuple(rules)
    try:
        futures = [executor.submit(analyze_chunk, chunk, config, ids) for chunk in _chunks(files)]
        out: list[FileResult] = []
        for fut in futures:
            out.extend(fut.result())
        return out
    except Exception:  # a broken pool must not fail the review: fall back to analysing here
        log.warning("process pool analysis failed; analysing in process", exc_info=True)
        if executor is _pool:
            shutdown()  # the next big review starts a fresh pool
        return None


def analyze_chunk(items: Sequence[tuple[str, str]], config: Config, rule_ids: Sequence[str]) -> list[FileResult]:
    """Runs in a pool worker: the single-file rules over (path, text) pairs, parses released per file."""
    from checks import all_rules

    registry = all_rules()
    rules = {rid: registry[rid] for rid in rule_ids}
    out = []
    for path, text in items:
        source = SourceFile(path, text)
        out.append(analyze_file(source, rules, config))
        source.release()
    return out
