"""Fixed-window counters behind every rate limit and lockout: counted per key, and always expiring
(a counter without an expiry would lock a patient or a staff member out for good)."""

from __future__ import annotations

from core.redis import count_in_windows


def test_counts_each_key_and_every_counter_expires_with_its_window(app) -> None:  # type: ignore[no-untyped-def]
    redis_client = app.extensions["redis"]

    assert count_in_windows(redis_client, [("rl:a", 60), ("rl:b", 900)]) == [1, 1]
    assert count_in_windows(redis_client, [("rl:a", 60)]) == [2]
    assert count_in_windows(redis_client, [("rl:a", 60), ("rl:b", 900)]) == [3, 2]

    assert 0 < redis_client.ttl("rl:a") <= 60
    assert 60 < redis_client.ttl("rl:b") <= 900


def test_a_window_that_ran_out_starts_counting_again(app) -> None:  # type: ignore[no-untyped-def]
    redis_client = app.extensions["redis"]
    count_in_windows(redis_client, [("rl:c", 60)])
    count_in_windows(redis_client, [("rl:c", 60)])
    redis_client.delete("rl:c")  # what Redis does when the window's expiry comes

    assert count_in_windows(redis_client, [("rl:c", 60)]) == [1]
    assert redis_client.ttl("rl:c") > 0


def test_a_counter_left_without_an_expiry_gets_one_on_its_next_count(app) -> None:  # type: ignore[no-untyped-def]
    redis_client = app.extensions["redis"]
    redis_client.set("rl:d", 7)  # e.g. written by an older release, or by hand

    assert count_in_windows(redis_client, [("rl:d", 900)]) == [8]
    assert 0 < redis_client.ttl("rl:d") <= 900


def test_the_public_limit_counts_reads_the_cache_and_survives_a_server_that_lost_its_scripts(app) -> None:  # type: ignore[no-untyped-def]
    from core.redis import hit_rate_limit_then_get

    redis_client = app.extensions["redis"]
    redis_client.set("answer:e", b"cached")
    with app.app_context():
        assert hit_rate_limit_then_get("e", limit=2, window_seconds=60, get="answer:e") == (False, b"cached")
        redis_client.script_flush()  # a restarted or failed-over Redis: EVALSHA finds no script
        assert hit_rate_limit_then_get("e", limit=2, window_seconds=60, get="answer:none") == (False, None)
        assert hit_rate_limit_then_get("e", limit=2, window_seconds=60, get="answer:e") == (True, b"cached")
    assert 0 < redis_client.ttl("rl:e") <= 60
