"""Anthropic Messages: request schema, decode to the IR, response and SSE encoding, token estimates."""
