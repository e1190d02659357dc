"""Fake LLM providers over real HTTP, speaking each provider's exact wire format (streaming included)."""
