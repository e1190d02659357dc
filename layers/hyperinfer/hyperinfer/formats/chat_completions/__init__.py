"""OpenAI Chat Completions: request schema, response and SSE chunk encoding."""
