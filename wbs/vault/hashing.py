"""Keyed, short-lived tokens for abuse limits. The client address never leaves memory: it is
hashed with the pepper and the current hour, so yesterday's keys match nothing today."""

import time

from . import crypto


def address_token(address: str, *, now: float | None = None) -> str:
    hour = int((now if now is not None else time.time()) // 3600)
    return crypto.keyed_hash("rate-limit-address", f"{hour}:{address}".encode())[:32]


def session_token(session_key: str) -> str:
    return crypto.keyed_hash("rate-limit-session", session_key.encode())[:32]


def account_token(username: str) -> str:
    return crypto.keyed_hash("rate-limit-account", username.encode())[:32]


def pepper_fingerprint() -> str:
    """Identifies the configured pepper without revealing it (for backup manifests)."""
    return crypto.keyed_hash("pepper-fingerprint", b"")[:16]
