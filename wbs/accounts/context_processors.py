from .alerts import WATCHERS, open_alerts


def alerts(request):
    """How many alerts wait for this Inspektur or custodian (one indexed count per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_wbs_staff", False):
        return {}
    if not user.has_role(*WATCHERS):
        return {}
    return {"open_alerts": open_alerts(user).count()}
