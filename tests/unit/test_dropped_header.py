from urllib.parse import unquote

from hyperinfer.gateway.routed import DROPPED_HEADER, dropped_header


def test_nothing_dropped_is_no_header() -> None:
    assert dropped_header([]) == {}


def test_ir_paths_are_named_as_they_are() -> None:
    names = ["messages[0].content[1].cache_control", "seed", "tools[2].strict"]
    assert dropped_header(names) == {DROPPED_HEADER: ",".join(names)}


def test_any_client_key_becomes_latin_1_without_controls_and_comes_back_by_unescaping() -> None:
    names = ["Ā", "a,b", "50%", "x\r\nSet-Cookie: y", "東京", "\x00"]
    value = dropped_header(names)[DROPPED_HEADER]
    assert value.isascii() and value.isprintable()
    assert [unquote(part) for part in value.split(",")] == names
