"""Prometheus metrics of one service instance (own registry, so tests can run several apps)."""
from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        r = self.registry = CollectorRegistry()
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

    def github_request(self, method: str, status: int) -> None:
        self.github_requests.labels(method, str(status) if status else "error").inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
