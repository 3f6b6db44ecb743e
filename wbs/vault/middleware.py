from django.conf import settings
from django.contrib.auth import logout

from . import keyring as kr


class KeyringMiddleware:
    """Joins the two halves of the session keyring for each request (see keyring.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        loaded = kr.load(request)
        if loaded is None:
            # One half is missing or does not fit: end the session rather than run half-keyed.
            logout(request)
            request._keyring_cookie = ""
            loaded = kr.Keyring()
        request.keyring = loaded
        response = self.get_response(request)
        value = getattr(request, "_keyring_cookie", None)
        if value:
            response.set_cookie(
                settings.WBS_KEYRING_COOKIE_NAME,
                value,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Strict",
            )
        elif value == "" and settings.WBS_KEYRING_COOKIE_NAME in request.COOKIES:
            response.delete_cookie(settings.WBS_KEYRING_COOKIE_NAME, samesite="Strict")
        return response
