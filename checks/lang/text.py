"""Plain-text helpers shared by the parsers and the rules."""
from __future__ import annotations


def split_lines(text: str) -> list[str]:
    r"""Lines as git, diffs and parsers number them: split at \n only (a trailing \r dropped).

    `str.splitlines()` also breaks at form feeds, \x1c-\x1e, \x85 and U+2028/U+2029, which would
    shift every later line number away from the diff's and the parsers'."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
