"""Abuse limits for the anonymous endpoints (submission and code lookup).

Keys: the session (stops one guesser within a few tries) and a keyed, hourly-rotating hash of
the client address that lives only in the cache (stops a cookie-less guesser, yet lets a whole
office behind one NAT address work). Past a global threshold of failed lookups an alarm is
raised once per hour (log warning + audit event). Nothing here is written to disk by us; in
production the cache is a Redis without persistence (see docs/manual/administrator.md).
"""

import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache

from wbs.audit import log
from wbs.vault.hashing import account_token, address_token, session_token

logger = logging.getLogger("wbs.security")

HOUR = 3600
SESSION_WINDOW = 15 * 60


def client_address(request) -> str:
    """The address the limits count by. An IPv6 address counts by its /64 (one subscriber's
    network: rotating addresses inside it gains nothing). Safe on the reporter side: the value
    never leaves memory — callers pass it straight to `address_token` (a keyed, hourly-rotating
    hash used only as a cache key); it is never stored, logged or put in an audit event."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.WBS_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = forwarded.split(",")[-1].strip()
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def _window_key(prefix: str, token: str, window: int) -> str:
    return f"rl:{prefix}:{int(time.time() // window)}:{token}"


def _count(key: str) -> int:
    return cache.get(key, 0)


def _hit(key: str, ttl: int, amount: int = 1) -> int:
    if cache.add(key, amount, ttl):
        return amount
    try:
        return cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.add(key, amount, ttl)
        return amount


def _session_key(request) -> str | None:
    """The visitor's session key, creating the session if needed so that a guesser keeps one
    identity between tries (a client that drops the cookie is caught by the address limit)."""
    session = getattr(request, "session", None)
    if session is None or request.path.startswith("/api/"):
        return None  # API clients carry no cookies; the address limit applies to them
    if not session.session_key:
        session["wbs_visitor"] = 1
        session.save()
    return session.session_key


def _keys(request, action: str, session_window: int):
    keys = []
    session_key = _session_key(request)
    if session_key:
        keys.append(
            (
                "session",
                _window_key(f"{action}:s", session_token(session_key), session_window),
                session_window,
            )
        )
    keys.append(
        ("address", _window_key(f"{action}:a", address_token(client_address(request)), HOUR), HOUR)
    )
    return keys


def _lookup_over(request, which: str) -> bool:
    limits = {
        "session": settings.WBS_LOOKUP_FAILS_PER_SESSION,
        "address": settings.WBS_LOOKUP_FAILS_PER_ADDRESS_HOUR,
    }
    return any(
        _count(key) >= limits[kind]
        for kind, key, _ in _keys(request, "lookup", SESSION_WINDOW)
        if kind == which
    )


def lookup_session_blocked(request) -> bool:
    """This browser session guessed too often: refused before any work."""
    return _lookup_over(request, "session")


def lookup_address_blocked(request) -> bool:
    """Too many wrong codes from this address (an office behind one NAT shares it): a wrong
    code is refused, but a right one still opens — one guesser cannot lock out colleagues."""
    return _lookup_over(request, "address")


def lookup_blocked(request) -> bool:
    return lookup_session_blocked(request) or lookup_address_blocked(request)


def lookup_failed(request) -> None:
    for _kind, key, ttl in _keys(request, "lookup", SESSION_WINDOW):
        _hit(key, ttl)
    total = _hit(f"rl:lookup:global:{int(time.time() // HOUR)}", HOUR)
    if total >= settings.WBS_LOOKUP_FAILS_GLOBAL_ALARM_HOUR and cache.add(
        f"rl:lookup:alarm:{int(time.time() // HOUR)}", 1, HOUR
    ):
        logger.warning("security alarm: %d failed access-code lookups this hour", total)
        log.record(verb="security.lookup_alarm", payload={"failures_this_hour": total})


def lookup_session_reset(request) -> None:
    """A successful lookup clears the session's failure count (not the address's)."""
    for kind, key, _ttl in _keys(request, "lookup", SESSION_WINDOW):
        if kind == "session":
            cache.delete(key)


def submission_blocked(request) -> bool:
    limits = {
        "session": settings.WBS_SUBMISSIONS_PER_SESSION_HOUR,
        "address": settings.WBS_SUBMISSIONS_PER_ADDRESS_HOUR,
    }
    return any(_count(key) >= limits[kind] for kind, key, _ in _keys(request, "submit", HOUR))


def submission_claim(request) -> bool:
    """Count this submission *before* the expensive work, atomically; False when it is over a
    limit (then nothing is stored). Concurrent requests cannot slip past the limit."""
    limits = {
        "session": settings.WBS_SUBMISSIONS_PER_SESSION_HOUR,
        "address": settings.WBS_SUBMISSIONS_PER_ADDRESS_HOUR,
    }
    over = False
    for kind, key, ttl in _keys(request, "submit", HOUR):
        if _hit(key, ttl) > limits[kind]:
            over = True
    return not over


def file_checks_claim(request, count: int) -> bool:
    """Count the file checks a request is about to run (each file unpacked, decoded or
    scanned) *before* running them, whatever the outcome: refused files and refused forms
    count too, so nobody keeps the workers busy with files that are never accepted. False
    when the session or the address is over its hourly limit; then no file is checked."""
    if count <= 0:
        return True
    limits = {
        "session": settings.WBS_FILE_CHECKS_PER_SESSION_HOUR,
        "address": settings.WBS_FILE_CHECKS_PER_ADDRESS_HOUR,
    }
    over = False
    for kind, key, ttl in _keys(request, "checks", HOUR):
        if _hit(key, ttl, count) > limits[kind]:
            over = True
    return not over


def record_refusal(request, action: str) -> None:
    logger.info("rate limit refused a %s request", action)


def account_attempt(
    request,
    action: str,
    username: str,
    *,
    per_account: int,
    per_address: int,
    window: int = SESSION_WINDOW,
) -> bool:
    """Count a log-in attempt *before* the password is checked, so a parallel burst cannot slip
    past the limit; True when this attempt is over the limit and must be refused.

    The account's limit counts per account *and address*: a stranger guessing the Inspektur's
    password from one place stops there without locking the Inspektur out elsewhere. The
    account's attempts from everywhere are counted too, for `account_alarm`."""
    name = account_token(username.casefold())
    address = address_token(client_address(request))
    pair_key = _window_key(f"{action}:ua", f"{name}:{address}", window)
    address_key = _window_key(f"{action}:a", address, window)
    _hit(_window_key(f"{action}:u", name, window), window)
    over_pair = _hit(pair_key, window) > per_account
    over_address = _hit(address_key, window) > per_address
    return over_pair or over_address


def account_alarm(action: str, username: str, *, per_account: int, window: int = SESSION_WINDOW):
    """The account's attempts from all addresses when they first pass its limit (an attack
    from several places, or on a known name): the number once per window, else None."""
    count = _count(_window_key(f"{action}:u", account_token(username.casefold()), window))
    if count <= per_account:
        return None
    if not cache.add(f"rl:alarm:{action}:{account_token(username.casefold())}", 1, window):
        return None
    return count


def account_success(request, action: str, username: str, window: int = SESSION_WINDOW) -> None:
    """A log-in that succeeded clears this account's count from this address."""
    name = account_token(username.casefold())
    address = address_token(client_address(request))
    cache.delete(_window_key(f"{action}:ua", f"{name}:{address}", window))
    cache.delete(_window_key(f"{action}:u", name, window))
