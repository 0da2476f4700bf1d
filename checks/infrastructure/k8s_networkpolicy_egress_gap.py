"""k8s.networkpolicy-egress-gap: egress policy without HTTPS for a workload that calls external APIs."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from checks.infrastructure import _k8s
from checks.lang.yamlast import YList, YMap
from checks.model import Hit
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_HTTPS_URL = re.compile(r"https://([A-Za-z0-9.-]+)")
_INTERNAL = re.compile(r"(\.svc(\.cluster\.local)?|\.cluster\.local|\.internal|\.local|\.localdomain)$", re.I)

_BAD = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: billing
  namespace: payments
spec:
  selector:
    matchLabels: {app: billing}
  template:
    metadata:
      labels: {app: billing}
    spec:
      containers:
        - name: billing
          image: registry.example.com/billing:2.0.1
          env:
            - name: STRIPE_API_URL
              value: https://api.stripe.com
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: billing-egress
  namespace: payments
spec:
  podSelector:
    matchLabels: {app: billing}
  policyTypes: [Egress]
  egress:
    - ports:
        - {protocol: UDP, port: 53}
        - {protocol: TCP, port: 5432}
"""
_GOOD = _BAD.replace("        - {protocol: TCP, port: 5432}\n",
                     "        - {protocol: TCP, port: 5432}\n        - {protocol: TCP, port: 443}\n")


def _external_https(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    for m in _HTTPS_URL.finditer(value):
        host = m.group(1).rstrip(".")
        if "." not in host or _INTERNAL.search(host) or host in ("localhost",) or re.fullmatch(r"[\d.]+", host):
            continue
        if host.startswith(("10.", "192.168.", "127.")):
            continue
        return host
    return None


def _configmaps(objs: list[_k8s.K8sObject]) -> dict[str, YMap]:
    return {o.name: o.obj.get("data") for o in objs
            if o.kind == "ConfigMap" and o.name and isinstance(o.obj.get("data"), YMap)}


def _https_host(ps: _k8s.PodSpec, configmaps: dict[str, YMap]) -> str | None:
    for c in _k8s.containers(ps, ("containers",)):
        env = c.c.get("env")
        if isinstance(env, YList):
            for e in env:
                if isinstance(e, YMap) and (host := _external_https(e.get("value"))):
                    return host
        for key in ("args", "command"):
            for arg in c.c.get(key) or [] if isinstance(c.c.get(key), YList) else []:
                if host := _external_https(arg):
                    return host
        env_from = c.c.get("envFrom")
        if isinstance(env_from, YList):
            for e in env_from:
                ref = e.get("configMapRef") if isinstance(e, YMap) else None
                data = configmaps.get(ref.get("name")) if isinstance(ref, YMap) else None
                for v in (data or {}).values():
                    if host := _external_https(v):
                        return host
    return None


def _port_allows_https(p: Any) -> bool:
    if not isinstance(p, YMap):
        return False
    if str(p.get("protocol", "TCP")).upper() != "TCP":
        return False
    port = p.get("port")
    if port is None:
        return True  # all ports of the protocol
    if str(port).lower() in ("443", "https"):
        return True
    end = p.get("endPort")
    try:
        return int(port) <= 443 <= int(end)
    except (TypeError, ValueError):
        return False


def _rule_allows_external_https(r: Any) -> bool:
    if not isinstance(r, YMap):
        return False
    ports = r.get("ports")
    if ports and not (isinstance(ports, YList) and any(_port_allows_https(p) for p in ports)):
        return False
    to = r.get("to")
    if not to:
        return True
    return isinstance(to, YList) and any(isinstance(t, YMap) and "ipBlock" in t for t in to)


def _egress_policy(o: _k8s.K8sObject) -> YMap | None:
    spec = o.obj.get("spec")
    if o.kind != "NetworkPolicy" or not isinstance(spec, YMap):
        return None
    types = spec.get("policyTypes")
    has_egress = (isinstance(types, YList) and any(str(t) == "Egress" for t in types)) or "egress" in spec
    return spec if has_egress else None


def _selects(policy: _k8s.K8sObject, spec: YMap, ps: _k8s.PodSpec) -> bool:
    if not _k8s.same_namespace(policy.namespace, ps.owner.namespace):
        return False
    sel = spec.get("podSelector")
    if sel is None or (isinstance(sel, YMap) and not sel):
        return True
    return _k8s.selector_matches(sel, ps.labels)


@rule(
    "k8s.networkpolicy-egress-gap",
    severity="MEDIUM",
    area="infrastructure",
    title="Egress NetworkPolicy blocks HTTPS the workload needs",
    why="The policy allows only DNS/database ports, but the pods it selects call external HTTPS APIs: those "
        "calls time out as soon as the policy is enforced, an outage that only shows in a cluster with a CNI that enforces policies.",
    fix="Add an egress rule allowing TCP 443 (to the provider's CIDRs or `0.0.0.0/0` minus private ranges) "
        "for the pods that call external APIs.",
    kinds={"k8s"},
    repo_kinds={"k8s"},
    example=Example(path="deploy/k8s/billing.yaml", bad=_BAD, good=_GOOD),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    """Reported on the policy's `egress:` line (policies without egress rules are deny-all baselines: skipped)."""
    policies = [(o, spec) for o in _k8s.file_objects(f) if (spec := _egress_policy(o)) is not None]
    candidates = [(o, s) for o, s in policies if isinstance(s.get("egress"), YList) and s.get("egress")
                  and not any(_rule_allows_external_https(r) for r in s["egress"])]
    if not candidates:
        return
    all_objs: list[_k8s.K8sObject] = []
    for other in _k8s.repo_k8s_files(f, ctx):
        all_objs.extend(_k8s.file_objects(f) if other.path == f.path else _k8s.safe_objects(other))
    configmaps = _configmaps(all_objs)
    all_policies = [(o, s) for o in all_objs if (s := _egress_policy(o)) is not None]
    workloads = list(_k8s.pod_specs(all_objs))
    for policy, spec in candidates:
        for ps in workloads:
            if not _selects(policy, spec, ps):
                continue
            host = _https_host(ps, configmaps)
            if host is None:
                continue
            # Policies are additive: another policy selecting these pods may allow 443.
            if any(_selects(p, s, ps) and isinstance(s.get("egress"), YList)
                   and any(_rule_allows_external_https(r) for r in s["egress"]) for p, s in all_policies):
                continue
            yield Hit(spec.key_lines.get("egress", policy.kind_line), subject=_k8s.subject(policy),
                      message=f"NetworkPolicy `{policy.name or '?'}` allows egress only on non-HTTPS ports, but "
                              f"{ps.owner.kind} `{ps.owner.name or '?'}` it selects calls `https://{host}` (no TCP 443)")
            break
