"""k8s.no-resource-limits: containers without memory limits and requests."""
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
  name: worker
spec:
  selector:
    matchLabels: {app: worker}
  template:
    metadata:
      labels: {app: worker}
    spec:
      containers:
        - name: worker
          image: registry.example.com/worker:1.0.3
"""
_GOOD = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  selector:
    matchLabels: {app: worker}
  template:
    metadata:
      labels: {app: worker}
    spec:
      containers:
        - name: worker
          image: registry.example.com/worker:1.0.3
          resources:
            requests: {cpu: 100m, memory: 256Mi}
            limits: {memory: 512Mi}
"""


def _has(m: object, key: str) -> bool:
    return isinstance(m, YMap) and m.get(key) not in (None, "")


@rule(
    "k8s.no-resource-limits",
    severity="MEDIUM",
    area="infrastructure",
    title="Container without resource requests and memory limit",
    why="Without requests the scheduler packs pods blindly and they are first to be evicted; without a "
        "memory limit one leaking container can exhaust the node and take its neighbours down.",
    fix="Set `resources.requests.cpu`, `resources.requests.memory` and `resources.limits.memory` on every "
        "container, sized from observed usage.",
    kinds={"k8s"},
    example=Example(path="deploy/k8s/worker.yaml", bad=_BAD, good=_GOOD),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    """A request counts as set when the matching limit is set (Kubernetes defaults requests to limits)."""
    for ps in _k8s.pod_specs(_k8s.file_objects(f)):
        for c in _k8s.containers(ps):
            res = c.c.get("resources")
            if isinstance(res, str):
                continue  # templated (Helm/envsubst): cannot be judged
            res = res if isinstance(res, YMap) else YMap()
            limits, requests = res.get("limits"), res.get("requests")
            gaps = []
            if not _has(limits, "memory"):
                gaps.append("limits.memory")
            if not (_has(requests, "cpu") or _has(limits, "cpu")):
                gaps.append("requests.cpu")
            if not (_has(requests, "memory") or _has(limits, "memory")):
                gaps.append("requests.memory")
            if not gaps:
                continue
            what = "Init container" if c.section == "initContainers" else "Container"
            if not res:
                msg = f"{what} `{c.name}` has no resources (needs requests.cpu, requests.memory and limits.memory)"
            else:
                msg = f"{what} `{c.name}` is missing resources {', '.join(gaps)}"
            yield Hit(c.line, message=msg, region=c.region, subject=_k8s.subject(ps.owner, c.name))
