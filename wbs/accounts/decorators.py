"""Deny by default for staff pages: a verified (password + TOTP) staff session with its keyring,
and one of the roles the view names."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from wbs.audit import log


def staff_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not (
                user.is_authenticated
                and user.is_wbs_staff
                and user.is_verified()
                and request.session.get("wbs_kind") == "staff"
                and request.keyring.has_private_key
            ):
                response = redirect("accounts:staff_login")
                # A form sent after the session expired: the view may hold its text for the
                # next log-in (wbs.cases.drafts) instead of dropping it.
                keep = getattr(view, "on_expired_post", None)
                if request.method == "POST" and keep is not None:
                    keep(request, response, *args, **kwargs)
                return response
            if roles and not user.roles.intersection(roles):
                log.record(
                    verb="authz.denied",
                    actor=user,
                    payload={"view": getattr(request.resolver_match, "url_name", "")},
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.staff_only = True
        return wrapper

    return decorator
