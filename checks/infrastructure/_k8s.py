"""Kubernetes manifest helpers shared by the k8s.* rules: objects, pod specs and containers with lines.

Conventions (all k8s rules use them, so findings land on predictable lines):
- a *container* finding is reported on the line of the container's `name:` key (the `- name:` item
  line when `name` is the first key; the `name:` line when it is not; the item line if unnamed);
- a *pod spec* finding is reported on the `spec:` key that holds the pod spec (the template's
  `spec:` for workloads, the top-level `spec:` for a bare Pod);
- a *resource* finding is reported on a line of the resource itself (see each rule).
"""
from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from checks.lang.yamlast import YList, YMap

# Kinds whose pod spec is at spec.template.spec (any other kind with that shape is accepted too:
# Argo Rollouts, Knative Services, OpenKruise CloneSets ...).
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"}
LONG_RUNNING_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController",
                      "Rollout", "DeploymentConfig"}

# Cluster-scoped kinds never carry metadata.namespace.
CLUSTER_SCOPED = {
    "Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding",
    "CustomResourceDefinition", "PriorityClass", "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    "APIService", "IngressClass", "RuntimeClass", "PodSecurityPolicy", "CSIDriver", "CSINode",
    "VolumeSnapshotClass", "VolumeSnapshotContent", "ClusterIssuer", "ClusterSecretStore",
    "ClusterExternalSecret", "ClusterPolicy", "ClusterRoleTemplate", "ComponentStatus",
    "CertificateSigningRequest", "FlowSchema", "PriorityLevelConfiguration", "GatewayClass",
    "ClusterServingRuntime", "ClusterTriggerBinding", "ClusterTask", "ClusterInterceptor",
    "Kustomization", "Component", "Config", "KubeletConfiguration", "ClusterConfiguration",
    "InitConfiguration", "JoinConfiguration", "KubeProxyConfiguration", "Cluster",
}
# Kinds that are tool configuration, not cluster objects.
NOT_RESOURCES = {"Kustomization", "Component", "Config", "KubeletConfiguration", "ClusterConfiguration",
                 "InitConfiguration", "JoinConfiguration", "KubeProxyConfiguration", "List",
                 "EncryptionConfiguration", "AdmissionConfiguration", "Policy", "Plugin",
                 "HelmChartInflationGenerator", "ConfigMapGenerator", "SecretGenerator"}


@dataclass
class K8sObject:
    obj: YMap
    kind: str
    api_version: str
    doc_index: int

    @property
    def metadata(self) -> YMap:
        md = self.obj.get("metadata")
        return md if isinstance(md, YMap) else YMap()

    @property
    def name(self) -> str | None:
        n = self.metadata.get("name")
        return str(n) if isinstance(n, (str, int)) and str(n) else None

    @property
    def namespace(self) -> str | None:
        ns = self.metadata.get("namespace")
        return str(ns) if isinstance(ns, (str, int)) and str(ns) else None

    @property
    def group(self) -> str:
        return self.api_version.rsplit("/", 1)[0] if "/" in self.api_version else ""

    @property
    def kind_line(self) -> int:
        return self.obj.key_lines.get("kind", self.obj.line)

    @property
    def name_line(self) -> int:
        md = self.obj.get("metadata")
        if isinstance(md, YMap) and "name" in md.key_lines:
            return md.key_lines["name"]
        return self.obj.key_lines.get("metadata", self.kind_line)


@dataclass
class PodSpec:
    owner: K8sObject
    spec: YMap
    line: int  # the `spec:` key holding the pod spec
    labels: YMap  # pod template labels (empty for none)

    @property
    def region(self) -> tuple[int, int]:
        return (self.line, max(self.spec.end_line, self.line))


@dataclass
class Container:
    pod: PodSpec
    c: YMap
    section: str  # containers / initContainers / ephemeralContainers
    line: int

    @property
    def name(self) -> str:
        n = self.c.get("name")
        return str(n) if n is not None else "(unnamed)"

    @property
    def region(self) -> tuple[int, int]:
        """The container's lines: a change inside them owns findings about what it lacks."""
        return (self.c.line, max(self.c.end_line, self.line))

    @property
    def security_context(self) -> YMap:
        sc = self.c.get("securityContext")
        return sc if isinstance(sc, YMap) else YMap()


def is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def _as_map(value: Any) -> YMap | None:
    return value if isinstance(value, YMap) else None


def objects(docs: Iterable[Any]) -> Iterator[K8sObject]:
    """Every object with a `kind` in the documents, `kind: List` items flattened."""
    for index, doc in enumerate(docs):
        if not isinstance(doc, YMap):
            continue
        kind = doc.get("kind")
        if not isinstance(kind, str):
            continue
        items = doc.get("items")
        if kind.endswith("List") and isinstance(items, YList):
            for item in items:
                if isinstance(item, YMap) and isinstance(item.get("kind"), str):
                    yield K8sObject(item, item["kind"], str(item.get("apiVersion") or ""), index)
            continue
        yield K8sObject(doc, kind, str(doc.get("apiVersion") or ""), index)


def file_objects(f: Any) -> list[K8sObject]:
    return list(objects(f.yaml_docs))


def safe_objects(f: Any) -> list[K8sObject]:
    """Objects of another repository file; unparsable files contribute nothing."""
    try:
        return file_objects(f)
    except Exception:  # ParseError or anything odd in someone else's file
        return []


def _template_spec(holder: YMap | None) -> tuple[YMap, int, YMap] | None:
    """(pod spec, line of its `spec:` key, labels) of a `template:` mapping."""
    if holder is None:
        return None
    template = _as_map(holder.get("template"))
    if template is None:
        return None
    spec = _as_map(template.get("spec"))
    if spec is None:
        return None
    md = _as_map(template.get("metadata")) or YMap()
    labels = _as_map(md.get("labels")) or YMap()
    return spec, template.key_lines.get("spec", spec.line), labels


def pod_spec(o: K8sObject) -> PodSpec | None:
    obj = o.obj
    spec = _as_map(obj.get("spec"))
    if o.kind == "Pod":
        if spec is None:
            return None
        labels = _as_map(o.metadata.get("labels")) or YMap()
        return PodSpec(o, spec, obj.key_lines.get("spec", spec.line), labels)
    if o.kind == "PodTemplate":
        found = _template_spec(obj)
    elif o.kind == "CronJob":
        job = _as_map(spec.get("jobTemplate")) if spec is not None else None
        found = _template_spec(_as_map(job.get("spec")) if job is not None else None)
    else:
        found = _template_spec(spec)
        if found is not None and o.kind not in WORKLOAD_KINDS:
            # Unknown kinds only count when the template really is a pod template.
            if not isinstance(found[0].get("containers"), YList):
                found = None
    if found is None:
        return None
    return PodSpec(o, found[0], found[1], found[2])


def pod_specs(objs: Iterable[K8sObject]) -> Iterator[PodSpec]:
    for o in objs:
        ps = pod_spec(o)
        if ps is not None:
            yield ps


def containers(ps: PodSpec, sections: Iterable[str] = ("initContainers", "containers")) -> Iterator[Container]:
    for section in sections:
        items = ps.spec.get(section)
        if not isinstance(items, YList):
            continue
        for i, c in enumerate(items):
            if not isinstance(c, YMap):
                continue
            line = c.key_lines.get("name") or (items.item_lines[i] if i < len(items.item_lines) else c.line)
            yield Container(ps, c, section, line)


def is_overlay_path(path: str) -> bool:
    parts = path.lower().split("/")
    name = parts[-1]
    return any(p in ("overlays", "overlay", "patches", "patch") for p in parts[:-1]) or "patch" in name


def kustomize_patch_paths(repo_files: Iterable[Any]) -> set[str]:
    """Paths referenced as patches by any kustomization in the repository (normalised)."""
    out: set[str] = set()
    for f in repo_files:
        if posixpath.basename(f.path) not in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
            continue
        base = posixpath.dirname(f.path)
        for o in safe_objects(f):
            obj = o.obj
            for key in ("patchesStrategicMerge", "patches", "patchesJson6902"):
                entries = obj.get(key)
                if not isinstance(entries, YList):
                    continue
                for e in entries:
                    ref = e if isinstance(e, str) else (e.get("path") if isinstance(e, YMap) else None)
                    if isinstance(ref, str) and ref and "\n" not in ref:
                        out.add(posixpath.normpath(posixpath.join(base, ref)))
    return out


def kustomize_namespaced_dirs(repo_files: Iterable[Any]) -> set[str]:
    """Directories whose kustomization sets `namespace:` for its resources."""
    out: set[str] = set()
    for f in repo_files:
        if posixpath.basename(f.path) not in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
            continue
        for o in safe_objects(f):
            if o.kind == "Kustomization" and isinstance(o.obj.get("namespace"), str):
                out.add(posixpath.dirname(f.path))
    return out


def repo_k8s_files(f: Any, ctx: Any) -> list[Any]:
    """The repository's k8s files (always including `f` itself)."""
    files = list(ctx.repo.files("k8s")) if ctx.repo is not None else []
    if not any(o.path == f.path for o in files):
        files.append(f)
    return files


def selector_matches(selector: Any, labels: YMap) -> bool:
    """A LabelSelector (matchLabels/matchExpressions) or a plain label map against pod labels."""
    if not isinstance(selector, YMap):
        return False
    if "matchLabels" not in selector and "matchExpressions" not in selector:
        match_labels, exprs = selector, None
    else:
        match_labels, exprs = selector.get("matchLabels"), selector.get("matchExpressions")
    if not match_labels and not exprs:
        return True  # empty selector selects everything
    if isinstance(match_labels, YMap):
        for k, v in match_labels.items():
            if str(labels.get(k)) != str(v) or k not in labels:
                return False
    if isinstance(exprs, YList):
        for e in exprs:
            if not isinstance(e, YMap):
                continue
            key, op = e.get("key"), str(e.get("operator", ""))
            values = [str(v) for v in e.get("values") or []] if isinstance(e.get("values"), YList) else []
            present = key in labels
            val = str(labels.get(key)) if present else None
            if op == "In" and not (present and val in values):
                return False
            if op == "NotIn" and present and val in values:
                return False
            if op == "Exists" and not present:
                return False
            if op == "DoesNotExist" and present:
                return False
    return True


def same_namespace(a: str | None, b: str | None) -> bool:
    """Namespaces match when equal or when either is unset (applied with `-n` / kustomize)."""
    return a is None or b is None or a == b


def _run_as(sc: Any) -> tuple[bool, int] | None:
    """(non-root?, line) from one securityContext's runAsNonRoot / runAsUser, None when it says nothing."""
    if not isinstance(sc, YMap):
        return None
    if "runAsNonRoot" in sc and is_true(sc["runAsNonRoot"]):
        return True, sc.key_lines["runAsNonRoot"]
    user = sc.get("runAsUser")
    if isinstance(user, int) and not isinstance(user, bool):
        return user != 0, sc.key_lines["runAsUser"]
    if "runAsNonRoot" in sc and is_false(sc["runAsNonRoot"]):
        return False, sc.key_lines["runAsNonRoot"]
    return None


def runs_non_root(c: Container) -> tuple[bool, int | None]:
    """Whether the container is made to run as non-root (`runAsNonRoot: true` or a non-zero `runAsUser`,
    on the container or inherited from the pod), and the line that says so."""
    found = _run_as(c.c.get("securityContext")) or _run_as(c.pod.spec.get("securityContext"))
    return (found[0], found[1]) if found else (False, None)


def runs_as_root(c: Container) -> bool:
    """The container or its pod asks for root explicitly (`runAsUser: 0` / `runAsNonRoot: false`)."""
    found = _run_as(c.c.get("securityContext")) or _run_as(c.pod.spec.get("securityContext"))
    return found is not None and not found[0]


def subject(o: K8sObject, container: str | None = None) -> str:
    """Stable identity of a resource or one of its containers ("Deployment/ns/web/container/app")."""
    base = f"{o.kind}/{o.namespace or ''}/{o.name or ''}"
    return f"{base}/container/{container}" if container is not None else base
