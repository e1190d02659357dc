from hyperinfer.providers.sse import SSEDecoder, SSEEvent
from hypothesis import given
from hypothesis import strategies as st

STREAM = (
    'event: message_start\r\ndata: {"text":"Héllo 🚀 \u2028 wörld"}\r\n\r\n'
    ": ping\n\n"
    "data: first\ndata: second\n\n"
    "data: [DONE]\n\n"
).encode()
EXPECTED = [
    SSEEvent("message_start", '{"text":"Héllo 🚀 \u2028 wörld"}'),
    SSEEvent(None, "first\nsecond"),
    SSEEvent(None, "[DONE]"),
]


def decode_in_pieces(data: bytes, cuts: list[int]) -> list[SSEEvent]:
    decoder = SSEDecoder()
    events: list[SSEEvent] = []
    start = 0
    for cut in sorted(set(cuts)):
        events += decoder.feed(data[start:cut])
        start = cut
    events += decoder.feed(data[start:])
    return events + decoder.close()


def test_whole_stream_decodes_to_events_without_comments() -> None:
    assert decode_in_pieces(STREAM, []) == EXPECTED


def test_one_byte_at_a_time_splits_crlf_and_multibyte_characters() -> None:
    assert decode_in_pieces(STREAM, list(range(len(STREAM)))) == EXPECTED


@given(st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=30))
def test_any_split_gives_the_same_events(cuts: list[int]) -> None:
    assert decode_in_pieces(STREAM, cuts) == EXPECTED


def test_a_stream_cut_without_a_final_blank_line_still_yields_its_last_event() -> None:
    assert decode_in_pieces(b"data: tail", []) == [SSEEvent(None, "tail")]
