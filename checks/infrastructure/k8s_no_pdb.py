"""k8s.no-pdb: replicated Deployments without a PodDisruptionBudget."""
from __future__ import annotations

from collections.abc import Iterator

from checks.infrastructure import _k8s
from checks.lang.yamlast import YMap
from checks.model import Hit
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_BAD = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.4.2
"""
_GOOD = _BAD + """---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
spec:
  minAvailable: 2
  selector:
    matchLabels: {app: api}
"""


def _replicas(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _pod_labels(o: _k8s.K8sObject, spec: YMap) -> YMap:
    """The pod template's labels; for a Deployment written without a template, its selector's."""
    ps = _k8s.pod_spec(o)
    if ps is not None and len(ps.labels):
        return ps.labels
    template = spec.get("template")
    md = template.get("metadata") if isinstance(template, YMap) else None
    labels = md.get("labels") if isinstance(md, YMap) else None
    if isinstance(labels, YMap) and len(labels):
        return labels
    sel = spec.get("selector")
    match = sel.get("matchLabels") if isinstance(sel, YMap) else None
    return match if isinstance(match, YMap) else YMap()


@rule(
    "k8s.no-pdb",
    severity="LOW",
    area="infrastructure",
    title="Replicated Deployment without a PodDisruptionBudget",
    why="Without a PodDisruptionBudget a node drain or cluster upgrade may evict every replica at once, "
        "turning routine maintenance into an outage.",
    fix="Add a `policy/v1` PodDisruptionBudget selecting the Deployment's pods with `minAvailable: 1` "
        "(or `maxUnavailable: 1`).",
    kinds={"k8s"},
    repo_kinds={"k8s"},
    example=Example(path="deploy/k8s/api.yaml", bad=_BAD, good=_GOOD),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    """Reported on the Deployment's `replicas:` line."""
    deployments = []
    for o in _k8s.file_objects(f):
        if o.kind != "Deployment":
            continue
        spec = o.obj.get("spec")
        n = _replicas(spec.get("replicas")) if isinstance(spec, dict) else None
        if n is not None and n >= 2:
            deployments.append((o, spec, n, _pod_labels(o, spec)))
    if not deployments:
        return
    pdbs = []
    for other in _k8s.repo_k8s_files(f, ctx):
        pdbs.extend(p for p in _k8s.safe_objects(other) if p.kind == "PodDisruptionBudget")
    for o, spec, n, labels in deployments:
        covered = False
        for p in pdbs:
            pspec = p.obj.get("spec")
            if not isinstance(pspec, dict) or not _k8s.same_namespace(p.namespace, o.namespace):
                continue
            sel = pspec.get("selector")
            if sel is not None and len(labels) and _k8s.selector_matches(sel, labels):
                covered = True
                break
        if not covered:
            yield Hit(spec.key_lines.get("replicas", o.kind_line), subject=_k8s.subject(o),
                      message=f"Deployment `{o.name or '?'}` runs {n} replicas but no PodDisruptionBudget selects its pods")
