"""Prometheus metrics of one service instance (own registry, so tests can run several apps)."""
from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.cache_metrics import CacheCollector

# Event label values: the events the bot knows, everything else "other" (a request's headers must not
# be able to create a new time series: unauthenticated ones are counted too).
KNOWN_EVENTS = {
    "github": {"ping", "installation", "installation_repositories", "pull_request", "issue_comment", "check_run",
               "check_suite", "push", "pull_request_review", "pull_request_review_comment"},
    "gitlab": {"Merge Request Hook", "Note Hook", "Push Hook", "Pipeline Hook", "System Hook"},
}


def event_label(forge: str, event: str) -> str:
    if not event:
        return "-"
    return event if event in KNOWN_EVENTS.get(forge, ()) else "other"


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        r = self.registry = CollectorRegistry()
        r.register(CacheCollector())  # hit rates of the text and findings caches
        self.webhooks = Counter("readiness_webhooks_total", "Webhook deliveries by event and HTTP answer",
                                ["event", "status"], registry=r)
        self.jobs = Counter("readiness_jobs_total", "Finished queue tasks by kind and outcome",
                            ["kind", "outcome"], registry=r)
        self.job_seconds = Histogram("readiness_job_seconds", "Time to run one queue task", ["kind"],
                                     registry=r, buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600))
        self.github_requests = Counter("readiness_github_requests_total", "Requests sent to GitHub",
                                       ["method", "status"], registry=r)
        self.queue_pending = Gauge("readiness_queue_pending", "Queued plus running tasks", registry=r)
        self.queue_dead = Gauge("readiness_queue_dead", "Tasks in the dead letter table", registry=r)
        self.queue_jobs = Gauge("readiness_queue_jobs", "Queue tasks by state (queued, leased, done, "
                                "superseded, dead)", ["state"], registry=r)
        self.deliveries = Counter("readiness_deliveries_total", "Webhook deliveries by forge, event and outcome "
                                  "(queued, duplicate, handled, ignored, rejected)", ["forge", "event", "outcome"],
                                  registry=r)
        self.review_seconds = Histogram("readiness_review_seconds", "Duration of one review (fetch, analyse, "
                                        "publish)", ["forge"], registry=r,
                                        buckets=(0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600))
        self.forge_requests = Counter("readiness_forge_requests_total", "Requests sent to a forge API by status",
                                      ["forge", "method", "status"], registry=r)
        self.rate_limit_waits = Counter("readiness_rate_limit_waits_total", "Waits asked by a forge "
                                        "(Retry-After, rate-limit reset)", ["forge"], registry=r)
        self.rate_limit_wait_seconds = Counter("readiness_rate_limit_wait_seconds_total", "Seconds spent "
                                               "waiting for forge rate limits", ["forge"], registry=r)
        self.dead_letters = Counter("readiness_dead_letters_total", "Tasks that ran out of attempts (this "
                                    "process)", ["kind"], registry=r)

    def github_request(self, method: str, status: int) -> None:
        self.github_requests.labels(method, str(status) if status else "error").inc()
        self.forge_requests.labels("github", method, str(status) if status else "error").inc()

    def gitlab_request(self, method: str, status: int) -> None:
        self.forge_requests.labels("gitlab", method, str(status) if status else "error").inc()

    def rate_limit_wait(self, forge: str, seconds: float) -> None:
        self.rate_limit_waits.labels(forge).inc()
        self.rate_limit_wait_seconds.labels(forge).inc(seconds)

    def delivery(self, forge: str, event: str, status: int, outcome: str | None = None) -> None:
        """Count one webhook delivery by HTTP answer and by what became of it (default: derived from the
        answer); events outside KNOWN_EVENTS are counted as "other"."""
        label = event_label(forge, event)
        self.webhooks.labels(label if forge == "github" else f"{forge}:{label}", str(status)).inc()
        outcome = outcome or {202: "queued", 200: "handled", 204: "ignored"}.get(
            status, "rejected" if status >= 400 else "other")
        self.deliveries.labels(forge, label, outcome).inc()

    def queue_counts(self, counts: dict[str, int]) -> None:
        """Queue gauges from a backend's `counts()` (every state reported, absent ones as 0)."""
        for state in ("queued", "leased", "done", "superseded", "dead"):
            self.queue_jobs.labels(state).set(counts.get(state, 0))
        self.queue_pending.set(counts.get("queued", 0) + counts.get("leased", 0))
        self.queue_dead.set(counts.get("dead", 0))

    def render(self) -> bytes:
        return generate_latest(self.registry)
