"""k8s.sa-token-automount: pods that mount a service-account token they probably do not need."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from checks.infrastructure import _context, _k8s
from checks.model import Hit, Severity
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
        "container can use it against the API server (and the `default` account often has more rights than intended). "
        "In context: a dedicated account no Role/ClusterRole binding in the repository names is LOW; one a "
        "binding names is MEDIUM (the pod likely calls the API); manifests under test folders are LOW.",
    fix="Set `automountServiceAccountToken: false` on the pod spec (or on a dedicated ServiceAccount it "
        "names), and mount a projected token only in pods that talk to the Kubernetes API.",
    kinds={"k8s"},
    repo_kinds={"k8s"},
    example=Example(path="deploy/k8s/web.yaml", bad=_BAD, good=_GOOD),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    """One finding per pod spec, on the `automountServiceAccountToken: true` line when it says so, else on
    the `spec:` key that holds the pod spec. Graded by the repository's RBAC bindings (see `_grade`)."""
    repo = _context.repo_context(f, ctx)
    repo_files = None
    for ps in _k8s.pod_specs(_k8s.file_objects(f)):
        spec = ps.spec
        owner = f"{ps.owner.kind} `{ps.owner.name or '?'}`"
        subject = _k8s.subject(ps.owner)
        automount = spec.get("automountServiceAccountToken")
        if _k8s.is_false(automount) or (isinstance(automount, str) and "{{" in automount):
            continue
        sa = spec.get("serviceAccountName", spec.get("serviceAccount"))
        sa = str(sa) if sa not in (None, "") else None
        if sa is not None and ("{{" in sa or "$" in sa):
            continue  # templated: the account is not known here
        if _k8s.is_true(automount):
            hit = Hit(spec.key_lines["automountServiceAccountToken"], subject=subject,
                      message=f"{owner} sets `automountServiceAccountToken: true`")
        elif sa is None and repo.is_patch(f.path):
            continue  # a kustomize patch: the account and the mount come from its base
        elif sa is None or sa == "default":
            how = "runs as `serviceAccountName: default`" if sa else "uses the default ServiceAccount"
            hit = Hit(ps.line, region=ps.region, subject=subject,
                      message=f"{owner} {how} with its API token automounted (no `automountServiceAccountToken: false`)")
        else:
            if repo_files is None:
                repo_files = _k8s.repo_k8s_files(f, ctx)
            if _sa_disables_token(sa, ps.owner.namespace, repo_files):
                continue
            hit = Hit(ps.line, region=ps.region, subject=subject,
                      message=f"{owner} mounts the API token of ServiceAccount `{sa}`: neither the pod nor the "
                              "ServiceAccount sets `automountServiceAccountToken: false`")
        yield _context.for_tests_only(f, _grade(hit, sa, repo.bound(sa or "default", ps.owner.namespace)))


def _grade(hit: Hit, account: str | None, bindings: list) -> Hit:
    """The `default` account stays HIGH (clusters often grant it rights outside the repository). A dedicated
    account no binding names is LOW: its token carries no rights granted here. A bound account is MEDIUM:
    the binding says the pod calls the API, so the mount is usually needed; the reviewer should confirm."""
    if account in (None, "default"):
        return hit
    if bindings:
        b = bindings[0]
        return replace(hit, severity=Severity.MEDIUM,
                       note=f"MEDIUM: {b.what} ({b.where}) binds ServiceAccount `{account}`, so the pod likely "
                            "calls the Kubernetes API; disable the mount only if it does not")
    return replace(hit, severity=Severity.LOW,
                   note=f"LOW: no Role/ClusterRole binding in the repository names ServiceAccount `{account}`, "
                        "so its token carries no API rights granted here (hardening only)")
