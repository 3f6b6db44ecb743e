from django.conf import settings

from .alerts import WATCHERS, open_alerts


def alerts(request):
    """How many alerts wait for this Inspektur or custodian (one indexed count per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_wbs_staff", False):
        return {}
    if not user.has_role(*WATCHERS):
        return {}
    return {"open_alerts": open_alerts(user).count()}


def idle(request):
    """For the idle warning of staff pages (static/wbs/idle.js): the idle limit and how long
    before it to warn."""
    session = getattr(request, "session", None)
    if session is None or session.get("wbs_kind") != "staff":
        return {}
    warn = min(settings.WBS_IDLE_WARNING_SECONDS, settings.WBS_STAFF_IDLE_SECONDS // 2)
    return {
        "idle_seconds": settings.WBS_STAFF_IDLE_SECONDS,
        "idle_warn_seconds": warn,
        "idle_warn_minutes": max(1, round(warn / 60)),
    }
