"""JavaScript parsing with tree-sitter (plain JS/JSX); TypeScript and templates fall back to text."""
from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _parser() -> Any:
    import tree_sitter_javascript
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_javascript.language()))


def parse(path: str, text: str) -> Any | None:
    if not path.endswith((".js", ".jsx", ".mjs", ".cjs")):
        return None
    return _parser().parse(text.encode("utf-8")).root_node
