"""Workspaces, API keys, credits and pricing."""
