"""k8s.security-context: containers without a hardened securityContext."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from checks.infrastructure import _context, _k8s
from checks.lang.yamlast import YList, YMap
from checks.model import Hit, Severity
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


def missing(c: _k8s.Container) -> list[tuple[str, int | None]]:
    """What the container's securityContext lacks, each with the line of a wrong value written (or None)."""
    sc = c.security_context
    pod_sc = c.pod.spec.get("securityContext")
    pod_sc = pod_sc if isinstance(pod_sc, YMap) else YMap()
    out: list[tuple[str, int | None]] = []
    holder = sc if "runAsNonRoot" in sc else pod_sc
    if not _k8s.is_true(holder.get("runAsNonRoot")):
        out.append(("runAsNonRoot: true", holder.key_lines.get("runAsNonRoot")))
    if not _k8s.is_false(sc.get("allowPrivilegeEscalation")):
        out.append(("allowPrivilegeEscalation: false", sc.key_lines.get("allowPrivilegeEscalation")))
    if not _k8s.is_true(sc.get("readOnlyRootFilesystem")):
        out.append(("readOnlyRootFilesystem: true", sc.key_lines.get("readOnlyRootFilesystem")))
    if not _drops_all(sc):
        caps = sc.get("capabilities")
        out.append(("capabilities.drop: [ALL]", caps.key_lines.get("drop") if isinstance(caps, YMap) else None))
    return out


@rule(
    "k8s.security-context",
    severity="HIGH",
    area="infrastructure",
    title="Container without a hardened securityContext",
    why="Without runAsNonRoot, allowPrivilegeEscalation: false, a read-only root filesystem and dropped "
        "capabilities, a compromised process can run as root, write to the image and escalate to the node. "
        "In context: MEDIUM when the container runs as non-root (runAsNonRoot or a non-zero runAsUser on the "
        "pod or container, or an image the repository builds with a non-root USER); kustomize patches are "
        "skipped; manifests under test folders are LOW.",
    fix="Give every container `securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, "
        "readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}` (runAsNonRoot may be set on the pod) "
        "and mount an emptyDir for any path the process must write.",
    kinds={"k8s"},
    repo_kinds=_context.CONTEXT_KINDS,
    example=Example(path="deploy/k8s/deployment.yaml", bad=_BAD, good=_GOOD),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    """One finding per container: on the line of the value written wrong (`readOnlyRootFilesystem: false`)
    when that is all it lacks, else on its `- name:` line. HIGH when it may run as root; MEDIUM when it runs as non-root (the pod or
    container says so, or the repository builds its image with a non-root USER): the rest is hardening."""
    repo = _context.repo_context(f, ctx)
    for ps in _k8s.pod_specs(_k8s.file_objects(f)):
        if isinstance(ps.spec.get("securityContext"), str):
            continue  # templated (Helm/envsubst): cannot be judged
        for c in _k8s.containers(ps):
            if isinstance(c.c.get("securityContext"), str):
                continue
            gaps = missing(c)
            if not gaps or ("securityContext" not in c.c and repo.is_patch(f.path)):
                continue
            what = "init container" if c.section == "initContainers" else "container"
            names = ", ".join(g for g, _ in gaps)
            if "securityContext" not in c.c:
                msg = f"{what.capitalize()} `{c.name}` has no securityContext (missing {names})"
            else:
                msg = f"{what.capitalize()} `{c.name}` securityContext is missing {names}"
            # On the value written wrong when every gap is one; a missing setting has no line but the container's.
            written = [line for _, line in gaps if line is not None]
            line = min(written) if len(written) == len(gaps) else c.line
            hit = Hit(line, message=msg, region=c.region,
                      subject=_k8s.subject(ps.owner, c.name))
            yield _context.for_tests_only(f, _grade(hit, c, repo))


def _grade(hit: Hit, c: _k8s.Container, repo: _context.RepoContext) -> Hit:
    non_root, line = _k8s.runs_non_root(c)
    if non_root:
        return replace(hit, severity=Severity.MEDIUM,
                       note=f"MEDIUM: line {line} runs it as non-root; what is missing is hardening")
    image = c.c.get("image")
    built = repo.nonroot_images.get(repo.deployed_name(image)) if isinstance(image, str) else None
    if built is not None and not _k8s.runs_as_root(c):
        return replace(hit, severity=Severity.MEDIUM,
                       note=f"MEDIUM: its image is built by {built} with a non-root USER; what is missing is hardening")
    return hit
