"""Progress of long local reviews on stderr (files done / total, rate): only on a terminal, never in CI
logs or when stderr is redirected. The bar is tqdm's; the review core knows nothing of it."""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from typing import IO

MIN_FILES = 200  # below this a review is over before a bar would help


def on_terminal(stream: IO[str] | None = None) -> bool:
    stream = stream or sys.stderr
    return (stream.isatty() and os.environ.get("TERM") != "dumb"
            and not os.environ.get("CI"))  # some CI runners allocate a terminal


class Progress:
    """Counts files as the review reads their text; `close()` when the review is over."""

    def __init__(self, stream: IO[str] | None = None):
        self.stream = stream or sys.stderr
        self.bar = None

    def track(self, texts: Mapping[str, str | None]) -> Mapping[str, str | None]:
        if self.bar is not None or len(texts) < MIN_FILES:
            return texts
        from tqdm import tqdm

        self.bar = tqdm(total=len(texts), unit="file", desc="reviewing", file=self.stream, leave=False,
                        dynamic_ncols=True, mininterval=0.2)
        return _Counted(texts, self.bar)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class _Counted(Mapping):
    def __init__(self, texts: Mapping[str, str | None], bar):
        self.texts = texts
        self.bar = bar
        self.seen: set[str] = set()

    def __getitem__(self, path: str) -> str | None:
        text = self.texts[path]
        if path not in self.seen:
            self.seen.add(path)
            self.bar.update(1)
        return text

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)
