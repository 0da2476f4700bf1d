"""k8s.security-context: containers without a hardened securityContext."""
from __future__ import annotations

from collections.abc import Iterator

from checks.model import Hit
from checks.infrastructure import _k8s
from checks.lang.yamlast import YList, YMap
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
      securityContext:
        runAsNonRoot: true
      containers:
        - name: api
          image: registry.example.com/api:1.4.2
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
"""


def _drops_all(sc: YMap) -> bool:
    caps = sc.get("capabilities")
    if not isinstance(caps, YMap):
        return False
    drop = caps.get("drop")
    if isinstance(drop, str):
        drop = [drop]
    return isinstance(drop, (list, YList)) and any(str(d).strip().lower() == "all" for d in drop)


def missing(c: _k8s.Container) -> list[str]:
    sc = c.security_context
    pod_sc = c.pod.spec.get("securityContext")
    pod_sc = pod_sc if isinstance(pod_sc, YMap) else YMap()
    out = []
    if "runAsNonRoot" in sc:
        non_root = _k8s.is_true(sc.get("runAsNonRoot"))
    else:
        non_root = _k8s.is_true(pod_sc.get("runAsNonRoot"))
    if not non_root:
        out.append("runAsNonRoot: true")
    if not _k8s.is_false(sc.get("allowPrivilegeEscalation")):
        out.append("allowPrivilegeEscalation: false")
    if not _k8s.is_true(sc.get("readOnlyRootFilesystem")):
        out.append("readOnlyRootFilesystem: true")
    if not _drops_all(sc):
        out.append("capabilities.drop: [ALL]")
    return out


@rule(
    "k8s.security-context",
    severity="HIGH",
    area="infrastructure",
    title="Container without a hardened securityContext",
    why="Without runAsNonRoot, allowPrivilegeEscalation: false, a read-only root filesystem and dropped "
        "capabilities, a compromised process can run as root, write to the image and escalate to the node.",
    fix="Give every container `securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, "
        "readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}` (runAsNonRoot may be set on the pod) "
        "and mount an emptyDir for any path the process must write.",
    kinds={"k8s"},
    example=Example(path="deploy/k8s/deployment.yaml", bad=_BAD, good=_GOOD),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    for ps in _k8s.pod_specs(_k8s.file_objects(f)):
        if isinstance(ps.spec.get("securityContext"), str):
            continue  # templated (Helm/envsubst): cannot be judged
        for c in _k8s.containers(ps):
            if isinstance(c.c.get("securityContext"), str):
                continue
            gaps = missing(c)
            if not gaps:
                continue
            what = "init container" if c.section == "initContainers" else "container"
            if "securityContext" not in c.c:
                msg = f"{what.capitalize()} `{c.name}` has no securityContext (missing {', '.join(gaps)})"
            else:
                msg = f"{what.capitalize()} `{c.name}` securityContext is missing {', '.join(gaps)}"
            yield Hit(c.line, message=msg, region=c.region)
