"""The `readiness` command line: scan, review, rules, serve, worker."""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import sys
from pathlib import Path

from bot.baseline import BASELINE_FILE
from bot.config import SCOPES, Config, ConfigError, matches_any
from bot.models import Review, Severity

FORMATS = ("markdown", "json", "sarif", "text")
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a command ended by SIGPIPE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="readiness",
        description="Production-readiness review for pull requests, merge requests and local changes.",
    )
    parser.add_argument("--version", action="version", version=f"readiness {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def output_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--format", choices=FORMATS, default="markdown",
                       help="report format (default: markdown; text: one line per finding, for terminals)")
        p.add_argument("--config", type=Path, metavar="FILE",
                       help="configuration file (default: .readiness.yml at the repository root)")
        p.add_argument("--fail-on", metavar="SEVERITY", type=_severity_arg,
                       help="exit 1 when a finding is at or above this severity "
                            "(critical, high, medium, low, never; default from config: high)")
        p.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report to FILE")
        p.add_argument("--jobs", "-j", type=_jobs_arg, default=AUTO, metavar="N",
                       help="analyse big changes (200+ files) in N processes; auto (default): one per CPU "
                            "the machine's load leaves idle, one process when it is busy")

    scan = sub.add_parser("scan", help="review every file under PATH")
    scan.add_argument("path", nargs="?", default=".", type=Path)
    scan.add_argument("--baseline", type=Path, metavar="FILE",
                      help="leave out the findings a baseline file lists (see `readiness baseline`)")
    output_options(scan)

    base = sub.add_parser("baseline", help="write the current findings of PATH to a baseline file")
    base.add_argument("path", nargs="?", default=".", type=Path)
    base.add_argument("--output", "-o", type=Path, metavar="FILE",
                      help=f"baseline file (default: PATH/{BASELINE_FILE})")
    base.add_argument("--config", type=Path, metavar="FILE",
                      help="configuration file (default: .readiness.yml at the repository root)")
    base.add_argument("--prune", action="store_true",
                      help="list the entries no current finding matches (fixed since) and remove them")
    base.add_argument("--jobs", "-j", type=_jobs_arg, default=AUTO, metavar="N", help=argparse.SUPPRESS)

    rev = sub.add_parser("review", help="review what HEAD changes relative to the base branch")
    rev.add_argument("--repo", type=Path, default=Path("."), help="repository directory (default: .)")
    rev.add_argument("--base", help="base ref (default: origin/HEAD, else main, else master)")
    rev.add_argument("--head", default="HEAD", help="head ref (default: HEAD)")
    rev.add_argument("--diff", metavar="FILE",
                     help="review a unified diff (FILE or - for stdin) against the work tree's files")
    rev.add_argument("--config-ref", metavar="REF",
                     help="read .readiness.yml from this git ref instead of the work tree "
                          "(`base` = the merge base; use it in CI on untrusted changes)")
    rev.add_argument("--scope", choices=SCOPES,
                     help="which findings the change owns: new = present at the head and absent at the "
                          "merge base (default); added = on added lines; diff_context = in the hunks; "
                          "file = anywhere in the changed files")
    rev.add_argument("--publish", choices=("github", "gitlab"),
                     help="in CI: review the pull/merge request of this run through the forge's API and "
                          "publish it there (GitHub Actions: GITHUB_TOKEN; GitLab CI: READINESS_GITLAB_TOKEN); "
                          "-o FILE writes the report in --format too")
    rev.add_argument("--coverage", nargs="+", default=[], metavar="FILE",
                     help="coverage reports (Cobertura, JaCoCo, LCOV, Go coverprofile, coverage.py JSON) "
                          "for the Test Coverage section and patch coverage; see docs/coverage.md")
    output_options(rev)

    rules = sub.add_parser("rules", help="list the rules, or explain one")
    rules.add_argument("id", nargs="?", help="a rule id, e.g. k8s.security-context")
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")

    from bot.fix_cli import add_parser as add_fix_parser

    add_fix_parser(sub)

    serve = sub.add_parser("serve", help="run the webhook service (GitHub App / GitLab)")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--queue", metavar="URL",
                       help="redis://HOST:PORT/N to only enqueue (workers run separately); "
                            "default: embedded SQLite queue with in-process workers")

    worker = sub.add_parser("worker", help="process review jobs from a Redis queue")
    worker.add_argument("--queue", metavar="URL", required=True, help="redis://HOST:PORT/N")
    return parser


def _version() -> str:
    import bot

    return bot.__version__


NEVER = "never"  # --fail-on never: report, but always exit 0


AUTO = "auto"


def _jobs_arg(value: str) -> int | str:
    if value == AUTO:
        return AUTO
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected auto or a whole number ≥ 1, not {value!r}")
    return int(value)


def auto_jobs() -> int:
    """Processes worth starting now: one per CPU the load leaves idle. On a busy machine a pool is
    slower than one process (pickling, start-up, contention): numbers in docs/performance.md."""
    from bot.parallel import workers

    try:
        load = os.getloadavg()[0]
    except OSError:  # no load average on this platform
        load = 0.0
    return max(1, round(workers() - load))


def _severity_arg(value: str) -> Severity | str:
    if value.strip().lower() == NEVER:
        return NEVER
    try:
        return Severity.parse(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"unknown severity {value!r} (expected one of: critical, high, medium, low, never)") from None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    try:
        status = _dispatch(args)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except BrokenPipeError:
        # `readiness rules | head`: the reader has what it wanted; exit quietly as other tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    if status is None:
        parser.error(f"unknown command {args.command}")
    return status


def _dispatch(args: argparse.Namespace) -> int | None:
    try:
        if args.command == "review" and args.publish:
            from bot.ci.cli import run as run_publish

            return run_publish(args)
        if args.command in ("scan", "review"):
            return _run_review(args)
        if args.command == "baseline":
            from bot.baseline_cli import run_baseline

            return run_baseline(args)
        if args.command == "fix":
            from bot.fix_cli import run as run_fix

            return run_fix(args)
        if args.command == "rules":
            from bot.rules_cli import show_rules

            return show_rules(args.id, args.format)
        if args.command == "serve":
            from bot.service.app import serve

            return serve(host=args.host, port=args.port, queue_url=args.queue) or EXIT_OK
        if args.command == "worker":
            from bot.service.worker import run_worker

            return run_worker(args.queue) or EXIT_OK
    except ConfigError as exc:
        _print_config_error(exc)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    return None


def _print_config_error(exc: ConfigError) -> None:
    print(f"readiness: error: {exc}", file=sys.stderr)
    if exc.source_line is not None:
        print(f"  {exc.line:>4} | {exc.source_line}", file=sys.stderr)


def _run_review(args: argparse.Namespace) -> int:
    from bot.forges.local import GitError, LocalGitForge, scan_forge
    from bot.progress import Progress, on_terminal

    progress = Progress() if on_terminal() else None
    try:
        if args.command == "scan":
            if not args.path.exists():
                raise ConfigError("no such file or directory", path=str(args.path))
            forge = scan_forge(args.path, config_path=args.config, progress=progress)
            root = forge.root
            review = asyncio.run(_review(forge, args, scope="file"))
        else:
            diff_text = None
            if args.diff is not None:
                diff_text = sys.stdin.read() if args.diff == "-" else _read(Path(args.diff))
            forge = LocalGitForge(args.repo, base=args.base, head=args.head, diff_text=diff_text,
                                  config_path=args.config, config_ref=args.config_ref, progress=progress)
            review = asyncio.run(_review(forge, args, scope=args.scope))
            root = forge.repo
    except GitError as exc:
        print(f"readiness: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if progress is not None:
            progress.close()
    for warning in review.warnings:
        print(f"readiness: warning: {warning}", file=sys.stderr)
    _emit(review, args, root)
    return EXIT_FINDINGS if review.failed else EXIT_OK


async def _review(forge, args: argparse.Namespace, *, scope: str | None,
                  baseline: frozenset[str] | None = None) -> Review:
    from bot.config import load_text
    from bot.pipeline import review_job
    from checks import all_rules

    rules = all_rules()
    job = forge.job()
    config: Config = load_text(await forge.read_config(job),
                               path=str(args.config) if args.config else ".readiness.yml")
    if args.fail_on is not None:
        config = dataclasses.replace(config, fail_on=None if args.fail_on == NEVER else args.fail_on)
    target = getattr(forge, "target", "")
    if target:  # `scan PATH` names PATH explicitly: review it even if paths.exclude covers it (as ruff does)
        config = dataclasses.replace(config, exclude=tuple(
            p for p in config.exclude if not matches_any(target, [p]) and not matches_any(f"{target}/", [p])))
    jobs = auto_jobs() if args.jobs == AUTO else args.jobs
    if getattr(args, "baseline", None) is not None:
        from bot.baseline import load_baseline

        baseline = load_baseline(_read(args.baseline, what="baseline"), str(args.baseline))
    coverage, root = [], None
    if args.command == "review":
        from bot.coverage.attach import report_files

        root = args.repo
        coverage = report_files(args.coverage, config, root)
    return await review_job(forge, job, config, rules, scope=scope, jobs=jobs,
                            coverage=coverage, coverage_root=root, baseline=baseline)


def _read(path: Path, what: str = "diff") -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the {what}: {exc.strerror}", path=str(path)) from None


def _emit(review: Review, args: argparse.Namespace, root: Path) -> None:
    from checks import all_rules

    if args.format == "json":
        from bot.render.jsonout import render_json

        text = render_json(review)
    elif args.format == "sarif":
        from bot.render.sarif import render_sarif

        text = render_sarif(review, all_rules(), root=root)
    elif args.format == "text":
        from bot.render.text import render_text, use_colour

        text = render_text(review, colour=not args.output and use_colour(sys.stdout))
    else:
        from bot.render.markdown import render_markdown

        text = render_markdown(review)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    raise SystemExit(main())
