"""k8s.privileged: privileged containers and host namespaces."""
from __future__ import annotations

from collections.abc import Iterator

from checks.infrastructure import _context, _k8s
from checks.lang.yamlast import YList, YMap
from checks.model import Hit, Severity
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_DANGEROUS_CAPS = {"SYS_ADMIN", "NET_ADMIN", "ALL"}

_BAD = """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
spec:
  selector:
    matchLabels: {app: node-agent}
  template:
    metadata:
      labels: {app: node-agent}
    spec:
      hostNetwork: true
      containers:
        - name: agent
          image: registry.example.com/agent:2.1.0
          securityContext:
            privileged: true
"""
_GOOD = """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
spec:
  selector:
    matchLabels: {app: node-agent}
  template:
    metadata:
      labels: {app: node-agent}
    spec:
      containers:
        - name: agent
          image: registry.example.com/agent:2.1.0
          securityContext:
            privileged: false
            allowPrivilegeEscalation: false
            capabilities:
              drop: [ALL]
"""


@rule(
    "k8s.privileged",
    severity="CRITICAL",
    area="infrastructure",
    title="Privileged container or host namespace",
    why="A privileged container, host network/PID/IPC namespace, privilege escalation or SYS_ADMIN/NET_ADMIN "
        "gives the workload effective root on the node: one compromised pod owns the cluster node. In context: "
        "`allowPrivilegeEscalation: true` in a container that drops ALL capabilities is HIGH; manifests under "
        "test folders are LOW.",
    fix="Remove `privileged: true` and `hostNetwork/hostPID/hostIPC: true`, set "
        "`allowPrivilegeEscalation: false`, and add only the narrow capability actually needed (never SYS_ADMIN).",
    kinds={"k8s"},
    example=Example(path="deploy/k8s/agent.yaml", bad=_BAD, good=_GOOD),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    """On the line that writes the setting. `allowPrivilegeEscalation: true` in a container that drops
    ALL capabilities (and adds no dangerous one) is HIGH: what a setuid binary can gain is bounded."""
    seen: set[int] = set()

    def hit(line: int, msg: str, subject: str, severity: Severity | None = None, note: str | None = None
            ) -> Iterator[Hit]:
        if line not in seen:
            seen.add(line)
            yield _context.for_tests_only(f, Hit(line, message=msg, subject=subject, severity=severity, note=note))

    for ps in _k8s.pod_specs(_k8s.file_objects(f)):
        owner = f"{ps.owner.kind} `{ps.owner.name or '?'}`"
        for key in ("hostNetwork", "hostPID", "hostIPC"):
            if _k8s.is_true(ps.spec.get(key)):
                yield from hit(ps.spec.key_lines[key], f"{owner} sets `{key}: true`, sharing the node's namespace",
                               _k8s.subject(ps.owner))
        for c in _k8s.containers(ps, ("initContainers", "containers", "ephemeralContainers")):
            sc = c.c.get("securityContext")
            if not isinstance(sc, YMap):
                continue
            subject = _k8s.subject(ps.owner, c.name)
            added = _dangerous_caps(sc)
            if _k8s.is_true(sc.get("privileged")):
                yield from hit(sc.key_lines["privileged"], f"Container `{c.name}` runs privileged (`privileged: true`)",
                               subject)
            if _k8s.is_true(sc.get("allowPrivilegeEscalation")):
                bounded = _drops_all(sc) and not added and not _k8s.is_true(sc.get("privileged"))
                yield from hit(sc.key_lines["allowPrivilegeEscalation"],
                               f"Container `{c.name}` sets `allowPrivilegeEscalation: true`", subject,
                               Severity.HIGH if bounded else None,
                               "HIGH: the container drops ALL capabilities, which bounds what escalation can gain"
                               if bounded else None)
            for line, name in added:
                yield from hit(line, f"Container `{c.name}` adds the `{name}` capability", subject)


def _drops_all(sc: YMap) -> bool:
    caps = sc.get("capabilities")
    drop = caps.get("drop") if isinstance(caps, YMap) else None
    drop = [drop] if isinstance(drop, str) else drop
    return isinstance(drop, (list, YList)) and any(str(d).strip().upper() == "ALL" for d in drop)


def _dangerous_caps(sc: YMap) -> list[tuple[int, str]]:
    """(line, name) of each dangerous capability the container adds."""
    caps = sc.get("capabilities")
    add = caps.get("add") if isinstance(caps, YMap) else None
    if isinstance(add, str):
        add = [add]
    if not isinstance(add, (list, YList)):
        return []
    out = []
    for i, cap in enumerate(add):
        name = str(cap).strip().upper()
        name = name.removeprefix("CAP_")
        if name in _DANGEROUS_CAPS:
            line = add.item_lines[i] if isinstance(add, YList) and i < len(add.item_lines) else caps.key_lines["add"]
            out.append((line, name))
    return out
