"""A version number of the reports' metadata, bumped after every change that can move a count
(a submission, a workflow step, a destruction). Inbox counts and figures are cached under the
current version, so a cached value is exact: any change makes every older entry unreachable.

Caching is off when WBS_FIGURES_CACHE_SECONDS is 0 (the tests' default)."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

KEY = "wbs:reports:version"


def current() -> int:
    return cache.get_or_set(KEY, 1, None)


def bump() -> None:
    """Call inside the transaction that changes reports: the bump happens after the commit."""

    def _bump():
        try:
            cache.incr(KEY)
        except ValueError:
            cache.set(KEY, 2, None)

    transaction.on_commit(_bump)


def cached(key: str, compute):
    """compute() under `key` and the current version, for WBS_FIGURES_CACHE_SECONDS."""
    seconds = settings.WBS_FIGURES_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    full_key = f"wbs:v{current()}:{digest}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, seconds)
    return value
