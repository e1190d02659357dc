"""Chat Completions servers that are not OpenAI (DeepSeek, Groq, Mistral, xAI, Together, Fireworks,
OpenRouter, a local vLLM or Ollama).

One translation: the ``openai_chat`` one, parameterised by the provider entry's ``compat`` options
(``hyperinfer.catalog.CompatOptions``). A server's differences are data there, never a code path
here: where reasoning comes back, where usage keeps cached tokens, which request fields it
refuses, how reasoning is switched, whether a key is sent at all.
"""

from __future__ import annotations

from hyperinfer.providers.openai_compatible.adapter import ADAPTER

__all__ = ["ADAPTER"]
