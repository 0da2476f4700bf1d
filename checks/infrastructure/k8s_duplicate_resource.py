"""k8s.duplicate-resource: the same object defined in two manifest files."""
from __future__ import annotations

import posixpath
from collections.abc import Iterator

from checks.infrastructure import _k8s
from checks.model import Hit
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_BAD = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api
  namespace: payments
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 10
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api
  namespace: payments
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 3
  maxReplicas: 6
"""
_GOOD = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api
  namespace: payments
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 10
"""


def _excluded(path: str, patches: set[str]) -> bool:
    return _k8s.is_overlay_path(path) or posixpath.normpath(path) in patches


def _same(a: _k8s.K8sObject, a_path: str, b: _k8s.K8sObject, b_path: str) -> bool:
    if a.kind != b.kind or a.name != b.name or a.group != b.group:
        return False
    if a.namespace is not None and b.namespace is not None:
        return a.namespace == b.namespace
    # Without an explicit namespace the directory decides where it goes (per-environment dirs differ).
    return posixpath.dirname(a_path) == posixpath.dirname(b_path)


def _identity(o: _k8s.K8sObject) -> bool:
    return bool(o.api_version) and o.name is not None and o.kind not in _k8s.NOT_RESOURCES


@rule(
    "k8s.duplicate-resource",
    severity="MEDIUM",
    area="infrastructure",
    title="Kubernetes resource defined in two files",
    why="Two manifests for the same kind/name/namespace overwrite each other on every apply, so the live "
        "object depends on file order (e.g. two HPAs with different replica bounds).",
    fix="Keep one definition and delete the other; use kustomize overlays/patches for per-environment differences.",
    kinds={"k8s"},
    repo_kinds={"k8s"},
    example=Example(path="deploy/k8s/hpa.yaml", bad=_BAD, good=_GOOD),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    """Reported on the duplicate's `metadata.name` line; kustomize overlays and patches are ignored."""
    files = _k8s.repo_k8s_files(f, ctx)
    patches = _k8s.kustomize_patch_paths(files)
    if _excluded(f.path, patches):
        return
    mine = [o for o in _k8s.file_objects(f) if _identity(o)]
    if not mine:
        return
    others = []
    for other in files:
        if other.path == f.path or _excluded(other.path, patches):
            continue
        others.extend((other.path, o) for o in _k8s.safe_objects(other) if _identity(o))
    first = {id(o): o for o in mine}
    # Same object twice in one file (two documents) also counts.
    for i, o in enumerate(mine):
        for p in mine[:i]:
            if _same(o, f.path, p, f.path) and id(o) in first:
                yield Hit(o.name_line, subject=_k8s.subject(o), message=f"{o.kind} `{o.name}` is defined twice in this file "
                                               f"(also at line {p.name_line})")
                first.pop(id(o))
                break
    for o in mine:
        if id(o) not in first:
            continue
        dup = sorted({path for path, p in others if _same(o, f.path, p, path)})
        if dup:
            ns = f" in namespace `{o.namespace}`" if o.namespace else ""
            yield Hit(o.name_line, subject=_k8s.subject(o), message=f"{o.kind} `{o.name}`{ns} is also defined in {', '.join(f'`{d}`' for d in dup)}")
