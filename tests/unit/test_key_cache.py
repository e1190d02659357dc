from hyperinfer.accounts.key_cache import KeyCache
from hyperinfer.accounts.keys import ApiKey

KEY = ApiKey(key_id="k", key_hash="h", workspace_id="w", prefix="sk-hi-ab", name="n")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_lives_exactly_its_ttl() -> None:
    clock = Clock()
    cache = KeyCache(ttl=5, clock=clock)
    cache.put("h", KEY)
    clock.now = 4.9
    assert cache.get("h") == KEY
    clock.now = 5.0
    assert cache.get("h") is None


def test_the_oldest_entries_go_first_when_full() -> None:
    cache = KeyCache(ttl=60, max_entries=2, clock=Clock())
    for digest in ("a", "b", "c"):
        cache.put(digest, KEY)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (None, KEY, KEY)


def test_zero_ttl_caches_nothing() -> None:
    cache = KeyCache(ttl=0, clock=Clock())
    cache.put("h", KEY)
    assert cache.get("h") is None
