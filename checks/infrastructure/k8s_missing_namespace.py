"""k8s.missing-namespace: a namespaced resource without metadata.namespace among manifests that set one."""
from __future__ import annotations

import posixpath
from collections.abc import Iterator

from checks.infrastructure import _k8s
from checks.model import Hit
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_BAD = """apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
  namespace: payments
data:
  LOG_LEVEL: info
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8080}]
"""
_GOOD = """apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
  namespace: payments
data:
  LOG_LEVEL: info
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: payments
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8080}]
"""


def _namespaced(o: _k8s.K8sObject) -> bool:
    return (o.kind not in _k8s.CLUSTER_SCOPED and o.kind not in _k8s.NOT_RESOURCES
            and not o.kind.startswith("Cluster") and o.name is not None)


@rule(
    "k8s.missing-namespace",
    severity="LOW",
    area="infrastructure",
    title="Resource without a namespace next to manifests that set one",
    why="A manifest without `metadata.namespace` lands in whatever namespace the applying context points at, "
        "usually `default`, while its siblings go to the intended namespace, so Services and Secrets no longer find each other.",
    fix="Set `metadata.namespace` like the other manifests in the directory, or set it once for all of them "
        "with a kustomization `namespace:`.",
    kinds={"k8s"},
    repo_kinds={"k8s"},
    example=Example(path="deploy/k8s/api.yaml", bad=_BAD, good=_GOOD),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    """Reported on the resource's `metadata:` line; skipped when a kustomization sets the namespace."""
    mine = _k8s.file_objects(f)
    lacking = [o for o in mine if _namespaced(o) and o.namespace is None]
    if not lacking:
        return
    directory = posixpath.dirname(f.path)
    siblings = [o for o in _k8s.repo_k8s_files(f, ctx) if posixpath.dirname(o.path) == directory]
    if directory in _k8s.kustomize_namespaced_dirs(siblings):
        return
    namespaces: set[str] = set()
    for other in siblings:
        objs = mine if other.path == f.path else _k8s.safe_objects(other)
        namespaces.update(o.namespace for o in objs if o.namespace is not None and _namespaced(o))
    if not namespaces:
        return
    names = ", ".join(f"`{n}`" for n in sorted(namespaces))
    for o in lacking:
        line = o.obj.key_lines.get("metadata", o.kind_line)
        md = o.obj.get("metadata")
        end = md.end_line if hasattr(md, "end_line") else line
        yield Hit(line, region=(line, max(line, end)), subject=_k8s.subject(o), message=f"{o.kind} `{o.name}` has no metadata.namespace while other manifests in "
                                f"`{directory or '.'}` use {names}")
