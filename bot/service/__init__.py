"""The webhook service: aiohttp endpoints, a durable job queue and the in-process worker pool."""
