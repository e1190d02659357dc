import pytest
from hyperinfer.formats.chat_completions.request import ChatCompletionRequest
from hyperinfer.formats.validation import describe, field_path
from pydantic import ValidationError

BASE = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


def problem(payload: dict[str, object]) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        ChatCompletionRequest.model_validate(payload)
    return describe(caught.value)


@pytest.mark.parametrize(
    ("payload", "param"),
    [
        ({"messages": BASE["messages"]}, "model"),
        (
            {**BASE, "messages": [{"role": "user", "content": [{"type": "text"}]}]},
            "messages[0].content[0].text",
        ),
        ({**BASE, "messages": [{"role": "user", "content": [{"type": "video"}]}]}, "messages[0].content[0]"),
        ({**BASE, "tools": [{"type": "function", "function": {}}]}, "tools[0].function.name"),
        ({**BASE, "tool_choice": "sometimes"}, "tool_choice"),
        ({**BASE, "top_p": 1.5}, "top_p"),
        ({**BASE, "reasoning_effort": "extreme"}, "reasoning_effort"),
    ],
)
def test_the_message_names_the_field(payload: dict[str, object], param: str) -> None:
    message, found = problem(payload)
    assert found == param
    assert message.startswith(f"{param}: ")


def test_other_problems_are_counted() -> None:
    message, _ = problem({"model": 1, "messages": []})
    assert message.endswith("(and 1 more problem)")


def test_fields_real_clients_send_beyond_the_seed_are_accepted() -> None:
    request = ChatCompletionRequest.model_validate(
        {
            **BASE,
            "tools": [{"type": "function", "function": {"name": "f", "parameters": {}, "strict": True}}],
            "seed": 3,
            "store": False,
            "messages": [
                {"role": "developer", "content": "rules"},
                {
                    "role": "user",
                    "content": [{"type": "input_audio", "input_audio": {"data": "AA", "format": "wav"}}],
                },
            ],
            "reasoning_effort": "minimal",
        }
    )
    assert request.model_extra == {"seed": 3, "store": False}


def test_field_path_folds_union_branches_and_repeated_tags() -> None:
    loc = (
        "messages",
        0,
        "content",
        "list[tagged-union[TextPart,ImagePart]]",
        1,
        "image_url",
        "image_url",
        "url",
    )
    assert field_path(loc) == "messages[0].content[1].image_url.url"
