"""YAML loading that keeps line numbers: mappings and lists remember where each entry starts."""
from __future__ import annotations

from typing import Any

import yaml
from yaml import YAMLError

__all__ = ["YAMLError", "YList", "YMap", "describe_error", "line_of", "load_all"]

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YMap(dict):
    """A YAML mapping. `line`/`end_line` bound it; `key_lines[k]` / `value_lines[k]` per entry."""

    line: int = 0
    end_line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[Any, int] = {}
        self.value_lines: dict[Any, int] = {}

    def line_of(self, key: Any, default: int | None = None) -> int:
        return self.key_lines.get(key, default if default is not None else self.line)


class YList(list):
    """A YAML sequence. `line`/`end_line` bound it; `item_lines[i]` where item i starts."""

    line: int = 0
    end_line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.item_lines: list[int] = []


class _LineLoader(_Base):  # type: ignore[misc,valid-type]
    pass


def _end_line(node: yaml.Node) -> int:
    """Last line (1-based) with content of the node: the end of its last descendant."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.value and \
            node.flow_style is not True:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    mark = node.end_mark
    # block scalars (`|`) end at column 0 of the line after their last line
    return mark.line if mark.column == 0 else mark.line + 1


def _construct_map(loader: Any, node: yaml.MappingNode) -> YMap:
    result = YMap()
    result.line = node.start_mark.line + 1
    result.end_line = max(result.line, _end_line(node))
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
        result.value_lines[key] = value_node.start_mark.line + 1
    return result


def _construct_seq(loader: Any, node: yaml.SequenceNode) -> YList:
    result = YList()
    result.line = node.start_mark.line + 1
    result.end_line = max(result.line, _end_line(node))
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.item_lines.append(item.start_mark.line + 1)
    return result


def _construct_unknown(loader: Any, node: yaml.Node) -> Any:
    # Custom tags (!Ref, !reference, !!python/...) are data to us, never code: keep their plain value.
    if isinstance(node, yaml.MappingNode):
        return _construct_map(loader, node)
    if isinstance(node, yaml.SequenceNode):
        return _construct_seq(loader, node)
    return loader.construct_scalar(node)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_LineLoader.add_constructor(None, _construct_unknown)
# Timestamps stay strings: rules compare text, and odd dates must not fail a parse.
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def load_all(text: str) -> list[Any]:
    """Every document in the stream (empty documents dropped)."""
    try:
        return [doc for doc in yaml.load_all(text, Loader=_LineLoader) if doc is not None]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # `!!int abc`, `!!map x`
        raise YAMLError(f"a value does not fit its tag ({type(exc).__name__}: {exc})") from None
    except RecursionError:
        raise YAMLError("nested too deeply") from None


def line_of(container: Any, key: Any, default: int = 1) -> int:
    """Line of `key` in a YMap or index in a YList, else `default`."""
    if isinstance(container, YMap):
        return container.key_lines.get(key, container.line or default)
    if isinstance(container, YList) and isinstance(key, int) and 0 <= key < len(container.item_lines):
        return container.item_lines[key]
    return getattr(container, "line", default) or default


def describe_error(exc: YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is not None:
        return f"YAML error at line {mark.line + 1}, column {mark.column + 1}: {problem}"
    return f"YAML error: {problem}"
