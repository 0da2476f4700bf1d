"""k8s.sa-token-automount: pods that mount a service-account token they probably do not need."""
from __future__ import annotations

from collections.abc import Iterator

from checks.model import Hit
from checks.infrastructure import _k8s
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_BAD = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:3.2.0
"""
_GOOD = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      automountServiceAccountToken: false
      containers:
        - name: web
          image: registry.example.com/web:3.2.0
"""


def _sa_disables_token(name: str, namespace: str | None, files: list[SourceFile]) -> bool:
    for other in files:
        for o in _k8s.safe_objects(other):
            if o.kind != "ServiceAccount" or o.name != name or not _k8s.same_namespace(o.namespace, namespace):
                continue
            if _k8s.is_false(o.obj.get("automountServiceAccountToken")):
                return True
    return False


@rule(
    "k8s.sa-token-automount",
    severity="HIGH",
    area="infrastructure",
    title="Service-account token automounted into the pod",
    why="Every pod gets a Kubernetes API token mounted by default; an attacker with code execution in the "
        "container can use it against the API server (and the `default` account often has more rights than intended).",
    fix="Set `automountServiceAccountToken: false` on the pod spec (or on a dedicated ServiceAccount it "
        "names), and mount a projected token only in pods that talk to the Kubernetes API.",
    kinds={"k8s"},
    repo_kinds={"k8s"},
    example=Example(path="deploy/k8s/web.yaml", bad=_BAD, good=_GOOD),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    """One finding per pod spec, always on the `spec:` key that holds the pod spec."""
    repo_files = None
    for ps in _k8s.pod_specs(_k8s.file_objects(f)):
        spec = ps.spec
        owner = f"{ps.owner.kind} `{ps.owner.name or '?'}`"
        automount = spec.get("automountServiceAccountToken")
        if _k8s.is_false(automount) or (isinstance(automount, str) and "{{" in automount):
            continue
        sa = spec.get("serviceAccountName", spec.get("serviceAccount"))
        sa = str(sa) if sa not in (None, "") else None
        if _k8s.is_true(automount):
            yield Hit(ps.line, region=ps.region, message=f"{owner} sets `automountServiceAccountToken: true`")
            continue
        if sa == "default":
            yield Hit(ps.line, region=ps.region, message=f"{owner} runs as `serviceAccountName: default` with its API token mounted")
            continue
        if sa is not None:
            if repo_files is None:
                repo_files = _k8s.repo_k8s_files(f, ctx)
            if _sa_disables_token(sa, ps.owner.namespace, repo_files):
                continue
            yield Hit(ps.line, region=ps.region, message=f"{owner} mounts the API token of ServiceAccount `{sa}`: neither the pod "
                                       "nor the ServiceAccount sets `automountServiceAccountToken: false`")
            continue
        yield Hit(ps.line, region=ps.region, message=f"{owner} uses the default ServiceAccount with its API token automounted "
                                   "(no `automountServiceAccountToken: false`)")
