"""Who is acting in this request or command, for audit events written far from the view (the
master-data change signals): a context variable set by ActingUserMiddleware, and `quiet()` for
bulk loads that write one summary event instead of one per row."""

import contextlib
import contextvars

_acting = contextvars.ContextVar("wbs_acting_user", default=None)
_quiet = contextvars.ContextVar("wbs_audit_quiet", default=False)


def acting_user():
    user = _acting.get()
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def is_quiet() -> bool:
    return _quiet.get()


@contextlib.contextmanager
def acting_as(user):
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)


@contextlib.contextmanager
def quiet():
    """Inside: per-row master-data events are not written (the caller records a summary)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


class ActingUserMiddleware:
    """After authentication: the request's user is the actor of master-data change events."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(getattr(request, "user", None)):
            return self.get_response(request)
