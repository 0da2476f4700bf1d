"""The fast paths give the same answers as the plain ones: process pool, released parses, metered caches.

Functional only: timings live in bench/ scripts, never in tests.
"""
from __future__ import annotations

import ast
from concurrent.futures import ProcessPoolExecutor

from bot import cache_metrics, parallel
from bot.config import Config
from bot.models import ChangedFile
from bot.review import review
from checks.source import SourceFile

PY = '''import pickle
import requests
import yaml


def load(blob, path):
    data = pickle.loads(blob)
    with open(path) as fh:
        cfg = yaml.load(fh)
    return requests.get(cfg["url"]), data


def handler_{i}(event):
    try:
        return event["k{i}"]
    except Exception:
        pass
'''
K8S = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web{i}\nspec:\n  template:\n    spec:\n"
       "      containers:\n        - name: web\n          image: web:latest\n")


def _pr(n: int) -> tuple[list[ChangedFile], dict[str, str]]:
    texts = {}
    for i in range(n):
        if i % 5 == 0:
            texts[f"deploy/web{i}.yaml"] = K8S.format(i=i)
        else:
            texts[f"app/mod{i}.py"] = PY.format(i=i)
    changes = [ChangedFile(p, status="added", whole_file=True, added=frozenset(range(1, t.count("\n") + 2)))
               for p, t in texts.items()]
    return changes, texts


def _key(r):
    return ([(f.number, f.rule, f.path, f.line, f.end_line, f.message, f.fingerprint) for f in r.findings],
            r.skipped, r.errors, r.files_reviewed, r.inventory)


def test_pool_analysis_equals_sequential(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(parallel, "CHUNK_FILES", 7)  # several chunks, results must come back in order
    used = []
    real = parallel.analyze_in_pool

    def spy(*args):
        out = real(*args)
        used.append(out is not None)
        return out

    monkeypatch.setattr(parallel, "analyze_in_pool", spy)
    changes, texts = _pr(40)
    sequential = review(changes, texts, Config())
    with ProcessPoolExecutor(2) as pool:
        pooled = review(changes, texts, Config(), executor=pool)
    assert used == [True]
    assert sequential.findings and _key(pooled) == _key(sequential)


def test_pool_analysis_of_base_versions_equals_sequential(monkeypatch) -> None:
    """Scope new: the base versions go to the pool with the heads; the split is the same."""
    monkeypatch.setattr(parallel, "POOL_THRESHOLD", 10)
    monkeypatch.setattr(parallel, "CHUNK_FILES", 7)
    changes, texts = _pr(40)
    modified = [ChangedFile(c.path, status="modified", whole_file=True, added=c.added) for c in changes]
    # half of the files had every finding before, half had none of them
    base = {p: (t if i % 2 else "# empty\n") for i, (p, t) in enumerate(texts.items())}
    sequential = review(modified, texts, Config(), base_texts=base)
    with ProcessPoolExecutor(2) as pool:
        pooled = review(modified, texts, Config(), executor=pool, base_texts=base)
    assert sequential.findings and sequential.preexisting
    assert _key(pooled) == _key(sequential)
    assert [f.fingerprint for f in pooled.preexisting] == [f.fingerprint for f in sequential.preexisting]


def test_pool_is_skipped_for_small_reviews_and_custom_rules(monkeypatch) -> None:
    class Boom:
        def submit(self, *a, **k):  # pragma: no cover - must not be called
            raise AssertionError("pool used")

    changes, texts = _pr(5)
    assert _key(review(changes, texts, Config(), executor=Boom())) == _key(review(changes, texts, Config()))


def test_findings_cache_is_filled_and_hit() -> None:
    changes, texts = _pr(6)
    cache = cache_metrics.findings_cache()
    cache_metrics.reset()
    first = review(changes, texts, Config(), cache=cache)
    assert cache_metrics.counts("findings") == (0, 6)
    second = review(changes, texts, Config(), cache=cache)
    assert cache_metrics.counts("findings") == (6, 6)
    assert _key(first) == _key(second)


def test_release_drops_parses_and_they_come_back_the_same() -> None:
    f = SourceFile("app/x.py", PY.format(i=1))
    calls = [ast.dump(c) for c in f.python_of(ast.Call)]
    imports = dict(f.python_imports)
    f.release()
    assert "python" not in f.__dict__ and "python_nodes" not in f.__dict__
    assert [ast.dump(c) for c in f.python_of(ast.Call)] == calls and f.python_imports == imports


def test_memo_computes_once_per_file() -> None:
    f = SourceFile("app/x.py", "x = 1\n")
    seen = []
    assert f.memo("k", lambda s: seen.append(1) or 42) == 42
    assert f.memo("k", lambda s: seen.append(1) or 43) == 42 and seen == [1]


def test_cache_collector_exposes_hits_and_misses() -> None:
    from prometheus_client import CollectorRegistry, generate_latest

    cache_metrics.reset()
    texts = cache_metrics.texts_cache()
    texts["sha1"] = "print('hi')\n"
    assert "sha1" in texts and "sha2" not in texts
    registry = CollectorRegistry()
    registry.register(cache_metrics.CacheCollector())
    out = generate_latest(registry).decode()
    assert 'readiness_cache_hits_total{cache="texts"} 1.0' in out
    assert 'readiness_cache_misses_total{cache="texts"} 1.0' in out
