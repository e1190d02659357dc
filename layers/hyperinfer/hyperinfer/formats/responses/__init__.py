"""OpenAI Responses: request schema, decoding to the IR, the Response object and its SSE events."""
