"""k8s.no-probes: long-running containers without readiness and liveness probes."""
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
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.4.2
          ports:
            - containerPort: 8080
"""
_GOOD = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.4.2
          readinessProbe:
            httpGet: {path: /readyz, port: 8080}
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
"""


@rule(
    "k8s.no-probes",
    severity="MEDIUM",
    area="infrastructure",
    title="Long-running container without readiness/liveness probes",
    why="Without a readinessProbe traffic reaches pods that are not ready (during deploys and restarts); "
        "without a livenessProbe a hung process keeps its pod alive and serving errors.",
    fix="Add a `readinessProbe` (is the pod ready for traffic?) and a `livenessProbe` (is the process alive?) "
        "to each service container, pointing at cheap health endpoints.",
    kinds={"k8s"},
    example=Example(path="deploy/k8s/api.yaml", bad=_BAD, good=_GOOD),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    for ps in _k8s.pod_specs(_k8s.file_objects(f)):
        if ps.owner.kind not in _k8s.LONG_RUNNING_KINDS:
            continue  # Jobs, CronJobs and bare Pods run to completion
        for c in _k8s.containers(ps, ("containers",)):
            gaps = [p for p in ("readinessProbe", "livenessProbe") if not isinstance(c.c.get(p), (YMap, str))]
            if not gaps:
                continue
            if len(gaps) == 2:
                msg = f"Container `{c.name}` of {ps.owner.kind} `{ps.owner.name or '?'}` has no readinessProbe or livenessProbe"
            else:
                msg = f"Container `{c.name}` of {ps.owner.kind} `{ps.owner.name or '?'}` has no {gaps[0]}"
            yield Hit(c.line, message=msg, region=c.region, subject=_k8s.subject(ps.owner, c.name))
