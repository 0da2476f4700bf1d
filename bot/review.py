"""The pure review core: changed files + their text + config + previous state -> a Review."""
from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, MutableMapping, Sequence
from concurrent.futures import Executor
from dataclasses import replace

from bot.config import Config
from bot.engine import FileResult, analyze_file
from bot.inventory import Inventory
from bot.newcode import merge_copies, split_new
from bot.models import (
    AREAS,
    AreaSummary,
    ChangedFile,
    Finding,
    PreviousFinding,
    Review,
    Severity,
    Skipped,
    VerificationRow,
)
from checks.fixes import Resolver
from checks.registry import RepoView, Rule
from checks.source import SourceFile, file_kinds, path_kinds_for

FindingsCache = MutableMapping[tuple[str, str], FileResult]


def review(
    changes: Sequence[ChangedFile],
    texts: Mapping[str, str | None],
    config: Config,
    *,
    previous: Sequence[PreviousFinding] | None = None,
    repo_texts: Mapping[str, str] | None = None,
    rules: Mapping[str, Rule] | None = None,
    cache: FindingsCache | None = None,
    scope: str | None = None,
    executor: Executor | None = None,
    base_texts: Mapping[str, str | None] | None = None,
    baseline: Collection[str] | None = None,
    resolve: Resolver | None = None,
) -> Review:
    """Review the changed files.

    `texts` holds the new text of each changed file (None when binary or unreadable);
    `repo_texts` other repository files that cross-file rules asked for; `previous` the findings of
    the last review of the same pull request, for the verification table. With an `executor` (a
    process pool, see bot/parallel.py) big reviews analyse files in chunks there; cross-file rules
    still run here, over the repository view. Results are the same either way.

    Scope `new`: `base_texts` holds each changed file's text at the merge base (by head path; None
    when unknown). The same rules run on it, and a head finding whose identity the base also has is
    pre-existing: counted in `Review.preexisting`, never in the findings or the verdict. Cross-file
    rules see the base versions of the other changed files on the base side. `baseline`: fingerprints
    to leave out. `resolve` lets fixes pin CI actions to commits (see bot/action_pins.py).
    """
    if rules is None:
        from checks import all_rules

        rules = all_rules()
    scope = scope or config.scope
    local_rules = {k: r for k, r in rules.items() if not r.repo_kinds}
    repo_rules = {k: r for k, r in rules.items() if r.repo_kinds}
    # Kinds cross-file rules read: those files stay loaded (and parsed) for the whole review; every
    # other file is loaded, analysed and dropped in turn, so memory is bounded by one file.
    keep_kinds = frozenset().union(*(r.repo_kinds for r in repo_rules.values()
                                     if config.settings(r.id).enabled))
    keep_by_path = path_kinds_for(keep_kinds)  # k8s and compose are known from the text
    candidates = [c for c in changes
                  if c.status != "deleted" and not config.is_excluded(c.path) and not c.binary]

    def load(change: ChangedFile) -> SourceFile | None:
        text = texts.get(change.path)
        return None if text is None else SourceFile(change.path, text)

    # With a pool every file is needed up front (chunks go out together); otherwise only the ones
    # cross-file rules read.
    eager = executor is not None
    loaded: dict[str, SourceFile | None] = {
        c.path: load(c) for c in candidates if eager or (keep_by_path and file_kinds(c.path) & keep_by_path)}

    repo = base_repo = None
    if repo_rules:
        files = {p: SourceFile(p, t) for p, t in (repo_texts or {}).items() if not config.is_excluded(p)}
        files.update({p: s for p, s in loaded.items() if s is not None and s.kinds & keep_kinds})
        repo = RepoView(files, changed=[c.path for c in candidates])
        if scope == "new":
            base_repo = _base_view(files, candidates, base_texts or {}, keep_kinds)

    precomputed: dict[str, FileResult] = {}
    base_precomputed: dict[str, FileResult] = {}
    if eager:
        heads = [s for c in candidates if (s := loaded.get(c.path)) is not None]
        # the base versions go to the pool in the same batch (scope new)
        bases = [_base_source(c, base_texts, base_repo) for c in candidates] if scope == "new" else []
        bases = [b for b in bases if b is not None]
        results = _local_results(heads + bases, local_rules, config, cache, executor)
        for i, (source, result) in enumerate(zip(heads + bases, results, strict=True)):
            if result is not None:
                (precomputed if i < len(heads) else base_precomputed)[source.path] = result
    rules_hash = config.rules_hash() if cache is not None else ""

    findings: list[Finding] = []
    skipped: list[Skipped] = [Skipped(c.path, "binary file") for c in changes
                              if c.binary and c.status != "deleted" and not config.is_excluded(c.path)]
    errors = []
    preexisting: list[Finding] = []
    suppressed, warnings = 0, []
    inv = Inventory()
    reviewed = 0
    for change in candidates:
        source = loaded.pop(change.path) if change.path in loaded else load(change)
        if source is None:
            skipped.append(Skipped(change.path, "binary or unreadable file"))
            continue
        reviewed += 1
        result = precomputed.get(change.path)
        if result is None and cache is not None:
            result = _cache_hit(cache, _cache_key(source, rules_hash))
        if result is None:
            result = analyze_file(source, local_rules, config, resolve=resolve)
            if cache is not None:
                cache[_cache_key(source, rules_hash)] = result
        if repo_rules:
            result = _with_repo_rules(result, source, repo_rules, config, repo, resolve)
        base = None
        if scope == "new" and change.status != "added":
            base = _base_findings(_base_source(change, base_texts, base_repo), local_rules, repo_rules,
                                  config, base_repo, cache, rules_hash, base_precomputed.pop(change.path, None))
        inv.add(source)
        if not (source.kinds & keep_kinds):
            source.release()
        if result.skipped:
            skipped.append(result.skipped)
        errors.extend(result.errors)
        suppressed += result.suppressed
        warnings.extend(result.warnings)
        if scope == "new":
            new, old = split_new(result.findings, base, change)
            findings.extend(new)
            preexisting.extend(old)
            continue
        for f in result.findings:
            if rules[f.rule].file_level or change.in_scope(f.line, f.end_line, scope, f.region):
                findings.append(f)

    findings = merge_copies(findings)
    baselined = 0
    if baseline:
        kept = [f for f in findings if f.fingerprint not in baseline]
        baselined = len(findings) - len(kept)
        findings = kept
    number_findings(findings)
    preexisting.sort(key=lambda f: (-f.severity, f.path, f.line, f.rule))
    out = Review(
        findings=findings,
        skipped=skipped,
        errors=errors,
        fail_on=config.fail_on,
        files_reviewed=reviewed,
        max_inline_comments=config.max_inline_comments,
        inventory=inv.result(),
        scope=scope,
        preexisting=preexisting,
        baselined=baselined,
        suppressed=suppressed,
        warnings=warnings,
    )
    out.areas = area_summary(findings)
    if previous is not None:
        out.verification = verify(previous, findings)
    return out


def _with_repo_rules(result: FileResult, source: SourceFile, repo_rules: Mapping[str, Rule], config: Config,
                     repo: RepoView | None, resolve: Resolver | None = None) -> FileResult:
    return result.merged(analyze_file(source, repo_rules, config, repo, resolve=resolve))


def _base_view(head_files: Mapping[str, SourceFile], candidates: Sequence[ChangedFile],
               base_texts: Mapping[str, str | None], keep_kinds: frozenset[str]) -> RepoView:
    """The repository as cross-file rules saw it at the base: unchanged files as they are, changed
    files in their base versions (under their head paths), added files absent."""
    changed = {c.path for c in candidates}
    files = {p: s for p, s in head_files.items() if p not in changed}
    for c in candidates:
        text = base_texts.get(c.path) if c.status != "added" else None
        if text is not None:
            source = SourceFile(c.path, text)
            if source.kinds & keep_kinds:
                files[c.path] = source
    return RepoView(files, changed=changed)


def _base_source(change: ChangedFile, base_texts: Mapping[str, str | None] | None,
                 base_repo: RepoView | None) -> SourceFile | None:
    """The file's base version under its head path (so that fingerprints compare), shared with the
    base view of cross-file rules when that holds it (parsed once); None for added files and
    unknown bases."""
    if change.status == "added":
        return None
    shared = base_repo.get(change.path) if base_repo is not None else None
    if shared is not None:
        return shared
    text = (base_texts or {}).get(change.path)
    return None if text is None else SourceFile(change.path, text)


def _base_findings(source: SourceFile | None, local_rules: Mapping[str, Rule],
                   repo_rules: Mapping[str, Rule], config: Config, repo: RepoView | None,
                   cache: FindingsCache | None, rules_hash: str,
                   precomputed: FileResult | None = None) -> list[Finding] | None:
    """Findings of the same rules on the file's base version; None when the base is unknown."""
    if source is None:
        return None
    key = _cache_key(source, rules_hash) if cache is not None else None
    result = precomputed
    if result is None and key is not None:
        result = _cache_hit(cache, key)
    if result is None:
        result = analyze_file(source, local_rules, config)
        if key is not None:
            cache[key] = result
    if repo_rules:
        result = _with_repo_rules(result, source, repo_rules, config, repo)
    if repo is None or repo.get(source.path) is not source:
        source.release()  # the base view's copy stays parsed for the other files' cross-file rules
    return result.findings


def _cache_hit(cache: FindingsCache, key: tuple[str, str]) -> FileResult | None:
    hit = cache.get(key)
    if hit is None:
        return None
    # copies: number_findings() sets `number` on them, and other reviews share the cache
    return replace(hit, findings=[replace(f) for f in hit.findings], errors=list(hit.errors),
                   warnings=list(hit.warnings))


def _cache_key(source: SourceFile, rules_hash: str) -> tuple[str, str]:
    # Keyed by the text actually analysed, never by a forge's blob sha: that comes from the pull
    # request's current file listing, which a push during the review moves past the text read.
    return (hashlib.sha1(source.text.encode("utf-8", "surrogatepass")).hexdigest(),
            f"{source.path}:{rules_hash}")


def _local_results(sources: Sequence[SourceFile], rules: Mapping[str, Rule],
                   config: Config, cache: FindingsCache | None, executor: Executor | None
                   ) -> list[FileResult | None]:
    """Per-file results of the single-file rules known before the main loop: findings-cache hits and,
    with an executor and enough misses, results computed in the pool. None = analyse in the loop."""
    out: list[FileResult | None] = [None] * len(sources)
    misses = list(range(len(sources)))
    if cache is not None:
        rules_hash = config.rules_hash()
        misses = []
        for i, source in enumerate(sources):
            hit = _cache_hit(cache, _cache_key(source, rules_hash))
            if hit is None:
                misses.append(i)
            else:
                out[i] = hit
    if executor is not None and misses:
        from bot import parallel

        computed = parallel.analyze_in_pool(executor, [sources[i] for i in misses], rules, config)
        if computed is not None:
            rules_hash = config.rules_hash() if cache is not None else ""
            for i, result in zip(misses, computed, strict=True):
                out[i] = result
                if cache is not None:
                    cache[_cache_key(sources[i], rules_hash)] = result
    return out


def number_findings(findings: list[Finding]) -> None:
    """Sort by severity, then file, then line; number C1.., H1.., M1.., L1.."""
    findings.sort(key=lambda f: (-f.severity, f.path, f.line, f.rule))
    counters: dict[Severity, int] = {}
    for f in findings:
        counters[f.severity] = counters.get(f.severity, 0) + 1
        f.number = f"{f.severity.letter}{counters[f.severity]}"


def area_summary(findings: Sequence[Finding]) -> list[AreaSummary]:
    rows = []
    for area in AREAS:
        mine = [f for f in findings if f.area == area]
        if not mine and area == "tests":
            continue  # measured only with coverage reports: bot/coverage/attach.py adds its row
        if not mine:
            rows.append(AreaSummary(area, "PASS", "no findings"))
            continue
        worst = max(f.severity for f in mine)
        status = "FAIL" if worst >= Severity.HIGH else "WARNING"
        by_sev: dict[Severity, set[str]] = {}
        for f in mine:
            by_sev.setdefault(f.severity, set()).add(f.rule)
        parts = []
        for sev in sorted(by_sev, reverse=True):
            n = sum(1 for f in mine if f.severity == sev)
            parts.append(f"{n} {sev.name.lower()} ({', '.join(sorted(by_sev[sev]))})")
        rows.append(AreaSummary(area, status, "; ".join(parts)))
    return rows


def verify(previous: Sequence[PreviousFinding], current: Sequence[Finding]) -> list[VerificationRow]:
    """Each earlier finding FIXED or STILL OPEN (matched by fingerprint), then the NEW ones.

    A state written by an older version (v1) keyed some findings on their line's text: those are
    also matched by rule, path and line, so the first review after an upgrade does not report them
    as FIXED and NEW at once."""
    by_fp = {f.fingerprint: f for f in current}
    legacy_rows = [p for p in previous if p.legacy and p.fingerprint not in by_fp]
    taken = {p.fingerprint for p in previous}
    by_place: dict[tuple[str, str, int], Finding] = {}
    for f in current:
        if legacy_rows and f.fingerprint not in taken:
            by_place.setdefault((f.rule, f.path, f.line), f)
    matched: dict[str, Finding] = {}
    for p in legacy_rows:
        f = by_place.pop((p.rule, p.path, p.line), None)
        if f is not None:
            matched[p.fingerprint] = f
    rows: list[VerificationRow] = []
    for p in previous:
        now = by_fp.get(p.fingerprint) or matched.get(p.fingerprint)
        if now is None:
            rows.append(VerificationRow("FIXED", p.rule, p.severity, p.title, p.path, p.line,
                                        previous_number=p.number, previous_location=f"{p.path}:{p.line}"))
        else:
            rows.append(VerificationRow("STILL OPEN", now.rule, now.severity.name, now.title, now.path,
                                        now.line, previous_number=p.number, number=now.number,
                                        previous_location=f"{p.path}:{p.line}"))
    seen = taken | {f.fingerprint for f in matched.values()}
    for f in current:
        if f.fingerprint not in seen:
            rows.append(VerificationRow("NEW", f.rule, f.severity.name, f.title, f.path, f.line,
                                        number=f.number))
    return rows


def to_previous(findings: Sequence[Finding]) -> list[PreviousFinding]:
    return [PreviousFinding(f.fingerprint, f.rule, f.severity.name, f.path, f.line, f.title, f.number)
            for f in findings]
