"""Failed-login limits for the local admin login: slow password guessing to a crawl.

Two counters per failure: one per (username, client address), which stops guessing one user's password,
and one per client address with a higher limit, which stops spraying one password across many usernames.
Once a counter reaches its limit the key is blocked for a whole ``window`` from that failure, and
``check`` says how long to wait (the ``Retry-After`` value). A successful login clears only its own
(username, address) counter: clearing the address counter too would let someone who owns one account
reset their spraying budget by logging into it.

State lives in this process's memory. That is enough for ``meety serve``, which is one process; it is
lost on restart and not shared between processes (in AWS, Cognito does its own throttling). Memory is
bounded: expired entries are dropped as new ones arrive, and past ``max_entries`` the least recently
touched entries go first. Time comes from a monotonic clock so a wall-clock jump neither lifts nor
extends a block.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

MAX_KEY_CHARS = 256
"""Usernames are at most 64 characters; longer input is truncated so it cannot inflate memory."""


@dataclass
class _Entry:
    failures: int
    first_failure: float
    blocked_until: float | None = None


class _Counters:
    """Failures per key, oldest-touched first, so eviction starts with what matters least."""

    def __init__(self, limit: int, window: float, max_entries: int) -> None:
        self._limit = limit
        self._window = window
        self._max_entries = max_entries
        self._entries: OrderedDict[tuple[str, ...], _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def wait(self, key: tuple[str, ...], now: float) -> float | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.blocked_until is not None and now < entry.blocked_until:
            return entry.blocked_until - now
        if self._expired(entry, now):
            del self._entries[key]
        return None

    def fail(self, key: tuple[str, ...], now: float) -> None:
        entry = self._entries.pop(key, None)
        if entry is None or self._expired(entry, now):
            entry = _Entry(failures=0, first_failure=now)
        entry.failures += 1
        if entry.failures >= self._limit and (entry.blocked_until is None or entry.blocked_until <= now):
            entry.blocked_until = now + self._window
        self._entries[key] = entry  # re-inserted at the end: most recently touched
        self._evict(now)

    def clear(self, key: tuple[str, ...]) -> None:
        self._entries.pop(key, None)

    def _expired(self, entry: _Entry, now: float) -> bool:
        if entry.blocked_until is not None:
            return now >= entry.blocked_until
        return now - entry.first_failure >= self._window

    def _evict(self, now: float) -> None:
        while self._entries:
            key, oldest = next(iter(self._entries.items()))
            if len(self._entries) > self._max_entries or self._expired(oldest, now):
                del self._entries[key]
            else:
                break


class LoginLimiter:
    """Call ``check`` before verifying a password, then ``failed`` or ``succeeded`` with the outcome.

    ``clock`` returns seconds on a monotonic scale (``time.monotonic`` by default; tests pass a fake).
    """

    def __init__(
        self,
        max_failures: int = 5,
        window: timedelta = timedelta(minutes=15),
        clock: Callable[[], float] = time.monotonic,
        *,
        max_address_failures: int | None = None,
        max_entries: int = 10_000,
    ) -> None:
        if max_failures < 1 or window <= timedelta(0) or max_entries < 1:
            raise ValueError("max_failures, window and max_entries must be positive")
        seconds = window.total_seconds()
        # locally everyone often shares one address (127.0.0.1): a typo must not lock them all out
        address_limit = max_address_failures if max_address_failures is not None else 4 * max_failures
        self._clock = clock
        self._lock = threading.Lock()
        self._by_user = _Counters(max_failures, seconds, max_entries)
        self._by_address = _Counters(address_limit, seconds, max_entries)

    def check(self, username: str, address: str) -> float | None:
        """Seconds to wait before trying again, or None when a login attempt may go ahead."""
        user_key, address_key = _keys(username, address)
        with self._lock:
            now = self._clock()
            waits = [
                w for w in (self._by_user.wait(user_key, now), self._by_address.wait(address_key, now)) if w
            ]
        return max(waits) if waits else None

    def failed(self, username: str, address: str) -> None:
        user_key, address_key = _keys(username, address)
        with self._lock:
            now = self._clock()
            self._by_user.fail(user_key, now)
            self._by_address.fail(address_key, now)

    def succeeded(self, username: str, address: str) -> None:
        user_key, _ = _keys(username, address)
        with self._lock:
            self._by_user.clear(user_key)

    def __len__(self) -> int:
        """Entries held (both counters): what the memory bound applies to."""
        with self._lock:
            return len(self._by_user) + len(self._by_address)


def _keys(username: str, address: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # usernames are unique ignoring case in the user store, so "Alice" and "alice" share a counter
    address = address[:MAX_KEY_CHARS]
    return (username[:MAX_KEY_CHARS].lower(), address), (address,)
