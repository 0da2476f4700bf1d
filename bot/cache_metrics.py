"""Per-process caches that count their hits and misses, and a Prometheus collector exposing the counts.

The service's caches (file texts by blob sha, findings by (blob sha, rule-config hash), installation
tokens) are cachetools caches bounded in memory. Made with `metered(...)` they also count lookups; a
service registers `CacheCollector()` on its registry to publish, for each cache name:

    readiness_cache_hits_total{cache="texts"}      lookups answered from the cache
    readiness_cache_misses_total{cache="texts"}    lookups that had to fetch or compute
    readiness_cache_entries{cache="texts"}         entries held now
    readiness_cache_size{cache="texts"}            current size in the cache's own unit (chars, findings)

Counts are per process and shared by every cache of the same name (one registry may be created per app
in tests; each gets its own collector reading the same counts).
"""
from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any

from cachetools import LRUCache

_lock = threading.Lock()
_hits: dict[str, int] = {}
_misses: dict[str, int] = {}
_caches: "weakref.WeakSet[MeteredLRUCache]" = weakref.WeakSet()


def record(name: str, hit: bool) -> None:
    with _lock:
        table = _hits if hit else _misses
        table[name] = table.get(name, 0) + 1


def counts(name: str) -> tuple[int, int]:
    """(hits, misses) of the caches called `name` in this process."""
    with _lock:
        return _hits.get(name, 0), _misses.get(name, 0)


def reset() -> None:
    """Forget every count (benchmarks and tests)."""
    with _lock:
        _hits.clear()
        _misses.clear()


class MeteredLRUCache(LRUCache):
    """An LRU cache whose membership tests count as hits or misses under `name`.

    Both ways callers read a cache go through `__contains__`: `key in cache` then `cache[key]`
    (the GitHub/GitLab text fetchers) and `cache.get(key)` (the findings cache in bot/review.py).
    """

    def __init__(self, name: str, maxsize: float, getsizeof: Callable[[Any], float] | None = None):
        super().__init__(maxsize=maxsize, getsizeof=getsizeof)
        self.name = name
        _caches.add(self)

    def __contains__(self, key: object) -> bool:
        found = super().__contains__(key)
        record(self.name, found)
        return found

    def __hash__(self) -> int:  # WeakSet membership by identity (a cache is a mutable mapping)
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


def _findings_size(result: Any) -> int:
    return 1 + len(getattr(result, "findings", ()) or ())


def texts_cache(max_chars: int = 64 * 1024 * 1024) -> MeteredLRUCache:
    """File texts by blob sha, bounded by total characters (None = binary counts as 64)."""
    return MeteredLRUCache("texts", maxsize=max_chars, getsizeof=lambda v: len(v or "") + 64)


def findings_cache(max_findings: int = 200_000) -> MeteredLRUCache:
    """Per-file results by (blob sha, path:rule-config hash), bounded by entries plus findings held."""
    return MeteredLRUCache("findings", maxsize=max_findings, getsizeof=_findings_size)


class CacheCollector:
    """Prometheus collector of the cache counts: `registry.register(CacheCollector())`."""

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        hits = CounterMetricFamily("readiness_cache_hits", "Cache lookups answered from the cache",
                                   labels=["cache"])
        misses = CounterMetricFamily("readiness_cache_misses", "Cache lookups that missed", labels=["cache"])
        entries = GaugeMetricFamily("readiness_cache_entries", "Entries held by the cache", labels=["cache"])
        size = GaugeMetricFamily("readiness_cache_size", "Current size of the cache in its own unit "
                                 "(characters for texts, entries plus findings for findings)", labels=["cache"])
        with _lock:
            names = sorted(set(_hits) | set(_misses) | {c.name for c in list(_caches)})
            for name in names:
                hits.add_metric([name], _hits.get(name, 0))
                misses.add_metric([name], _misses.get(name, 0))
        for name in names:
            live = [c for c in list(_caches) if c.name == name]
            entries.add_metric([name], sum(len(c) for c in live))
            size.add_metric([name], sum(c.currsize for c in live))
        yield hits
        yield misses
        yield entries
        yield size
