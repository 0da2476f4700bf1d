"""'Did you mean' for mistyped names: the known names nearest by edit distance."""
from __future__ import annotations

from collections.abc import Iterable


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions), two rows at a time."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def closest(name: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """Known names within a few edits of `name` (about one in four characters), nearest first; a rule id
    typed without its area (`root-user` for `docker.root-user`) matches on the part after the dot."""
    name = str(name)
    budget = max(2, len(name) // 4)
    scored = []
    for candidate in known:
        distance = min(edit_distance(name.lower(), candidate.lower()),
                       edit_distance(name.lower(), candidate.rsplit(".", 1)[-1].lower()))
        if distance <= budget:
            scored.append((distance, candidate))
    return [c for _, c in sorted(scored)[:limit]]


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """" (did you mean a or b?)" or "" when nothing is near."""
    near = closest(name, known)
    return f" (did you mean {' or '.join(near)}?)" if near else ""
