"""Failed-login limits: when a login is blocked, for how long, what clears it, and how much it remembers."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from admin_api.login_limits import LoginLimiter

WINDOW = timedelta(minutes=15)
ADDRESS = "203.0.113.7"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limiter(clock: FakeClock) -> LoginLimiter:
    return LoginLimiter(max_failures=5, window=WINDOW, clock=clock)


def fail(limiter: LoginLimiter, times: int, username: str = "alice", address: str = ADDRESS) -> None:
    for _ in range(times):
        limiter.failed(username, address)


def test_four_failures_still_allow_a_fifth_try(limiter: LoginLimiter) -> None:
    fail(limiter, 4)

    assert limiter.check("alice", ADDRESS) is None


def test_the_fifth_failure_blocks_for_the_whole_window(limiter: LoginLimiter) -> None:
    fail(limiter, 5)

    assert limiter.check("alice", ADDRESS) == WINDOW.total_seconds()


def test_retry_after_counts_down_with_the_clock_then_lifts(limiter: LoginLimiter, clock: FakeClock) -> None:
    fail(limiter, 5)

    clock.advance(60)
    assert limiter.check("alice", ADDRESS) == 840
    clock.advance(839.5)
    assert limiter.check("alice", ADDRESS) == pytest.approx(0.5)
    clock.advance(0.5)
    assert limiter.check("alice", ADDRESS) is None


def test_after_a_block_lifts_the_count_starts_again(limiter: LoginLimiter, clock: FakeClock) -> None:
    fail(limiter, 5)
    clock.advance(WINDOW.total_seconds())

    fail(limiter, 4)
    assert limiter.check("alice", ADDRESS) is None
    fail(limiter, 1)
    assert limiter.check("alice", ADDRESS) == WINDOW.total_seconds()


def test_failures_older_than_the_window_are_forgotten(limiter: LoginLimiter, clock: FakeClock) -> None:
    fail(limiter, 4)
    clock.advance(WINDOW.total_seconds())

    fail(limiter, 4)

    assert limiter.check("alice", ADDRESS) is None


def test_a_block_is_per_username_and_address(limiter: LoginLimiter) -> None:
    fail(limiter, 5)

    assert limiter.check("ALICE", ADDRESS) is not None  # usernames ignore case, as in the user store
    assert limiter.check("alice", "198.51.100.1") is None
    assert limiter.check("bob", ADDRESS) is None


def test_success_clears_the_username_and_address_counter(limiter: LoginLimiter) -> None:
    fail(limiter, 4)

    limiter.succeeded("alice", ADDRESS)
    fail(limiter, 4)

    assert limiter.check("alice", ADDRESS) is None


def test_spraying_many_usernames_from_one_address_is_blocked(limiter: LoginLimiter) -> None:
    for n in range(19):
        limiter.failed(f"user{n}", ADDRESS)
    assert limiter.check("fresh-user", ADDRESS) is None

    limiter.failed("user19", ADDRESS)

    assert limiter.check("fresh-user", ADDRESS) == WINDOW.total_seconds()
    assert limiter.check("fresh-user", "198.51.100.1") is None


def test_a_success_does_not_reset_the_address_counter(limiter: LoginLimiter) -> None:
    for n in range(19):
        limiter.failed(f"user{n}", ADDRESS)

    limiter.succeeded("my-own-account", ADDRESS)
    limiter.failed("user19", ADDRESS)

    assert limiter.check("anyone", ADDRESS) is not None


def test_the_address_limit_can_be_set(clock: FakeClock) -> None:
    limiter = LoginLimiter(max_failures=3, window=WINDOW, clock=clock, max_address_failures=3)

    for name in ("a", "b", "c"):
        limiter.failed(name, ADDRESS)

    assert limiter.check("d", ADDRESS) is not None


def test_the_longer_of_two_blocks_wins(limiter: LoginLimiter, clock: FakeClock) -> None:
    fail(limiter, 5)  # blocks alice from ADDRESS until t+900
    clock.advance(100)
    for n in range(15):
        limiter.failed(f"user{n}", ADDRESS)  # the 20th failure from ADDRESS: blocks it until t+1000

    assert limiter.check("alice", ADDRESS) == 900


def test_memory_is_bounded(clock: FakeClock) -> None:
    limiter = LoginLimiter(max_failures=5, window=WINDOW, clock=clock, max_entries=100)

    for n in range(1000):
        limiter.failed(f"user{n}", f"10.0.{n // 256}.{n % 256}")

    assert len(limiter) <= 200
    # the most recent entries are the ones kept
    fail(limiter, 4, "user999", "10.0.3.231")
    assert limiter.check("user999", "10.0.3.231") is not None


def test_expired_entries_are_dropped_as_new_ones_arrive(limiter: LoginLimiter, clock: FakeClock) -> None:
    for n in range(50):
        limiter.failed(f"user{n}", f"10.0.0.{n}")
    clock.advance(WINDOW.total_seconds() + 1)

    limiter.failed("late", "10.0.1.1")

    assert len(limiter) == 2


def test_huge_usernames_do_not_grow_the_keys(limiter: LoginLimiter) -> None:
    fail(limiter, 5, username="x" * 1_000_000)

    assert limiter.check("x" * 256, ADDRESS) is not None


def test_concurrent_failures_are_all_counted(clock: FakeClock) -> None:
    limiter = LoginLimiter(max_failures=400, window=WINDOW, clock=clock, max_address_failures=10_000)
    barrier = threading.Barrier(8)

    def hammer() -> None:
        barrier.wait()
        fail(limiter, 50)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert limiter.check("alice", ADDRESS) is not None  # exactly 400 failures reach the limit


def test_nonsense_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        LoginLimiter(max_failures=0)
    with pytest.raises(ValueError, match="positive"):
        LoginLimiter(window=timedelta(0))
