"""k8s.sa-token-automount: `automountServiceAccountToken: false` on the pod spec."""
from __future__ import annotations

import re

from checks.fixes import FixContext, Suggestion, Where, fixer
from checks.fixes._edit import replace_lines
from checks.fixes._yaml import key_column
from checks.infrastructure import _k8s
from checks.source import SourceFile

_TRUE = re.compile(r"^(\s*automountServiceAccountToken\s*:\s*)(?:true|True|TRUE|\"true\"|'true')(\s*(?:#.*)?)$")


@fixer("k8s.sa-token-automount")
def fix(f: SourceFile, where: Where, ctx: FixContext) -> Suggestion | None:
    # The finding sits on the pod spec's `spec:` line, or on its `automountServiceAccountToken: true` line.
    ps = next((p for p in _k8s.pod_specs(_k8s.file_objects(f))
               if where.line in (p.line, p.spec.key_lines.get("automountServiceAccountToken"))), None)
    if ps is None:
        return None
    if "automountServiceAccountToken" in ps.spec:
        line = ps.spec.key_lines["automountServiceAccountToken"]
        m = _TRUE.match(f.line(line))
        return replace_lines(line, line, [f"{m.group(1)}false{m.group(2)}"]) if m else None
    col = key_column(f, ps.spec)
    if col is None or ps.spec.line <= ps.line:
        return None  # flow style, or keys on the `spec:` line itself
    return replace_lines(ps.line, ps.line, [f.line(ps.line), " " * col + "automountServiceAccountToken: false"])
