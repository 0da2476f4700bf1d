"""k8s.security-context: add the missing keys of a restricted container securityContext."""
from __future__ import annotations

import re

from checks.fixes import FixContext, Suggestion, Where, fixer
from checks.fixes._edit import replace_lines
from checks.fixes._yaml import block_lines, key_column, step
from checks.infrastructure import _k8s
from checks.infrastructure.k8s_security_context import missing
from checks.lang.yamlast import YMap
from checks.source import SourceFile

_KEYS = {
    "runAsNonRoot: true": ("runAsNonRoot", ["runAsNonRoot: true"]),
    "allowPrivilegeEscalation: false": ("allowPrivilegeEscalation", ["allowPrivilegeEscalation: false"]),
    "readOnlyRootFilesystem: true": ("readOnlyRootFilesystem", ["readOnlyRootFilesystem: true"]),
    "capabilities.drop: [ALL]": ("capabilities", []),  # in the file's list style, see _drop_all
}
_FLOW_LIST = re.compile(r":[ \t]+\[")


def _drop_all(f: SourceFile) -> list[str]:
    if _FLOW_LIST.search(f.text):
        return ["capabilities:", '  drop: ["ALL"]' if '["' in f.text else "  drop: [ALL]"]
    return ["capabilities:", "  drop:", "    - ALL"]


@fixer("k8s.security-context")
def fix(f: SourceFile, where: Where, ctx: FixContext) -> Suggestion | None:
    # The finding sits on the container's name line, or on a value written wrong inside the container.
    found = [c for ps in _k8s.pod_specs(_k8s.file_objects(f)) for c in _k8s.containers(ps)
             if c.line == where.line or c.region[0] <= where.line <= c.region[1]]
    if len(found) != 1:
        return None
    c = found[0]
    gaps = [name for name, _ in missing(c)]
    sc = c.c.get("securityContext")
    # a key that is present with the wrong value was set on purpose: changing it is a decision
    if any(_KEYS[g][0] in (sc or {}) for g in gaps) or not gaps:
        return None
    entries = [e for g in gaps for e in (_KEYS[g][1] or _drop_all(f))]
    unit = step(f)
    if sc is None:
        col = key_column(f, c.c)
        if col is None:
            return None
        lines = [" " * col + "securityContext:", *block_lines(col + unit, entries, unit)]
        end = c.c.end_line
    elif isinstance(sc, YMap) and sc:
        col = key_column(f, sc)
        if col is None:
            return None
        lines = block_lines(col, entries, unit)
        end = sc.end_line
    else:
        return None  # `securityContext: {}` or a template placeholder
    return replace_lines(end, end, [f.line(end), *lines])
