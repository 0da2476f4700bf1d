"""Tag -> commit resolution for the ci.unpinned-action fix: bounded, cached, quiet when offline."""
from __future__ import annotations

import asyncio
import threading

import pytest

from bot import action_pins
from bot.action_pins import _Bounded, api_resolver

SHA = "8e5e7e5ab8b370d6c329ec480221332ada57f0ab"


@pytest.fixture(autouse=True)
def empty_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(action_pins, "_cache", {})


def test_lookups_are_cached_and_bounded() -> None:
    asked = []

    def lookup(repo: str, ref: str) -> str:
        asked.append((repo, ref))
        return SHA

    resolve = _Bounded(lookup, budget=2)
    assert resolve("actions/setup-go", "v5") == SHA
    assert resolve("actions/setup-go", "v5") == SHA  # cached
    assert resolve("golangci/golangci-lint-action", "v6") == SHA
    assert resolve("docker/login-action", "v3") is None  # over the budget
    assert asked == [("actions/setup-go", "v5"), ("golangci/golangci-lint-action", "v6")]


def test_no_network_stops_further_lookups_and_odd_input_is_refused() -> None:
    asked = []

    def lookup(repo: str, ref: str) -> str:
        asked.append(repo)
        raise OSError("Could not resolve host: github.com")

    resolve = _Bounded(lookup)
    assert resolve("a/b", "v1") is None
    assert resolve("c/d", "v1") is None
    assert asked == ["a/b"]
    assert _Bounded(lambda r, t: SHA)("not a repo", "v1") is None
    assert _Bounded(lambda r, t: SHA)("a/b", "--upload-pack=x") is None
    assert _Bounded(lambda r, t: "not-a-sha")("a/b", "v1") is None


def test_the_bot_resolver_asks_the_forge_from_the_review_thread() -> None:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    urls = []

    async def get(url: str) -> dict:
        urls.append(url)
        if url.endswith("/gone"):
            raise RuntimeError("404 Not Found")
        return {"sha": SHA}

    try:
        resolve = api_resolver(get, loop)
        assert resolve("golangci/golangci-lint-action", "v6") == SHA
        assert resolve("golangci/golangci-lint-action", "gone") is None  # a deleted tag: no fix
        assert urls == ["/repos/golangci/golangci-lint-action/commits/v6",
                        "/repos/golangci/golangci-lint-action/commits/gone"]
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
