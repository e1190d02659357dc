"""Upstream adapters: build provider requests, read provider responses and streams, map their errors."""
