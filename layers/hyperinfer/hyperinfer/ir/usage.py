"""Token usage in one normalised shape: every part counted once, none included in another.

OpenAI counts cached tokens inside ``prompt_tokens``; Anthropic counts cache reads and writes
beside ``input_tokens``. Providers convert into this shape once, formats convert out of it once.
"""

from pydantic import BaseModel, ConfigDict, Field


class Usage(BaseModel):
    model_config = ConfigDict(frozen=True)

    input_tokens: int = Field(
        default=0, ge=0, description="Prompt tokens neither read from nor written to a cache."
    )
    cache_read_tokens: int = Field(default=0, ge=0)
    cache_write_tokens: int = Field(default=0, ge=0, description="Written with the 5-minute TTL.")
    cache_write_1h_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0, description="Completion tokens, reasoning included.")
    reasoning_tokens: int = Field(default=0, ge=0, description="The part of output_tokens spent reasoning.")
    cache_writes_reported: bool = Field(
        default=False,
        description="The provider gave a cache-write figure (0 included); a format whose usage does not "
        "always carry one shows it only then, so no client is told a number the provider did not give.",
    )

    @property
    def prompt_tokens(self) -> int:
        """All prompt tokens, OpenAI's meaning of the word."""
        return (
            self.input_tokens + self.cache_read_tokens + self.cache_write_tokens + self.cache_write_1h_tokens
        )

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.output_tokens
