import time

from django.conf import settings
from django.contrib.auth import logout

from wbs.vault import keyring as kr


class SessionTimeoutMiddleware:
    """Idle and absolute limits enforced on the server (ASVS 7.3.1/7.3.2): reporter sessions
    end after 30 idle minutes; staff sessions after 30 idle minutes or 8 hours in all, or when
    the user's session generation moved on (ASVS 7.4.3/7.4.5)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        now = int(time.time())
        kind = session.get("wbs_kind")
        if kind:
            started = session.get("wbs_started", now)
            seen = session.get("wbs_seen", now)
            idle = (
                settings.WBS_STAFF_IDLE_SECONDS
                if kind == "staff"
                else settings.WBS_REPORTER_IDLE_SECONDS
            )
            expired = now - seen > idle or (
                kind == "staff" and now - started > settings.WBS_STAFF_ABSOLUTE_SECONDS
            )
            user = getattr(request, "user", None)
            if (
                not expired
                and kind == "staff"
                and user is not None
                and user.is_authenticated
                and session.get("wbs_gen") != user.session_generation
            ):
                expired = True  # ended elsewhere: password/2FA change or an administrator
            if expired:
                # Whose session it was: text they sent now is held for them alone
                # (wbs.cases.drafts), not for whoever logs in next on this browser.
                request.expired_user_id = getattr(user, "pk", None) if kind == "staff" else None
                logout(request)
                request.session_expired = True
                request._keyring_cookie = ""
                request.keyring = kr.Keyring()
            else:
                # Writing the session on every request costs a query; a minute's precision is
                # plenty for a 30-minute limit.
                if now - seen >= 60 or "wbs_seen" not in session:
                    session["wbs_seen"] = now
                session.setdefault("wbs_started", now)
        return self.get_response(request)
