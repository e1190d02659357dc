"""The router: retries, fallbacks, weighted load balancing, timeouts and an exact-match cache (issue 13)."""
