"""The password step of a log-in, the same for staff and registered reporters: counted against
the account and the address before the password is checked (a parallel burst cannot slip past),
then the password unlocks the private key. Nothing here says which of the two failed."""

from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.shortcuts import render

from wbs.vault import keys

from . import alerts, ratelimit, services
from .forms import LoginForm
from .models import User

THROTTLED = "throttled"  # the audit verbs are auth.throttled and auth.failed
FAILED = "failed"
OK = "ok"
# The password was right but was set by somebody else: the person must choose their own.
MUST_CHOOSE = "must_choose"


@dataclass(frozen=True)
class PasswordStep:
    outcome: str  # THROTTLED, FAILED or OK
    username: str
    user: object = None
    private_key: bytes | None = None
    signing_key: bytes | None = None


def password_step(request, form, *, action: str, kind: str, limits: tuple[int, int]):
    """Check a valid LoginForm's password. `kind` is the account kind that may log in here
    ("staff" or "reporter"); `limits` are the attempts per account and per address."""
    username, password = form.cleaned_data["username"], form.cleaned_data["password"]
    per_account, per_address = limits
    if ratelimit.account_attempt(
        request, action, username, per_account=per_account, per_address=per_address
    ):
        ratelimit.record_refusal(request, action)
        _alarm(action, username, per_account)
        return PasswordStep(THROTTLED, username)
    _alarm(action, username, per_account)
    user = authenticate(request, username=username, password=password)
    if user is None or user.kind != kind:
        return PasswordStep(FAILED, username)
    if user.password_set_by_other:
        return PasswordStep(MUST_CHOOSE, username, user)
    created = not keys.has_keypair(user)
    if created:
        # Its keys were removed (the last key role went, the account was switched off): a
        # fresh pair under the person's own password, holding nothing until an approval.
        keys.create_user_keypair(user, password)
    unlocked = keys.unlock(user, password)
    if unlocked is None:
        return PasswordStep(FAILED, username)
    if created or unlocked.rebound:
        # A pair made or bound here may be one somebody wrote by SQL (with a password hash of
        # their own): an account with case roles waits for an Inspektur again, alerted.
        services.key_pair_replaced(user)
    return PasswordStep(OK, username, user, unlocked.private_key, unlocked.signing_key)


def _alarm(action: str, username: str, per_account: int) -> None:
    """Many attempts on one staff account from everywhere: the account stays open to its owner
    (the limit is per address), and the watchers learn of it once per window."""
    attempts = ratelimit.account_alarm(action, username, per_account=per_account)
    if attempts is None:
        return
    user = User.objects.filter(username__iexact=username, kind="staff").first()
    if user is not None:
        alerts.alert("security.login_attack", subject=user, payload={"attempts": attempts})


def refused_page(request, template: str, step: PasswordStep):
    """The log-in page again after a throttled (429) or failed (401) step: the same answer
    whether the account exists or not."""
    if step.outcome == THROTTLED:
        return render(request, template, {"form": LoginForm(), "rate_limited": True}, status=429)
    form = LoginForm(initial={"username": step.username})
    return render(request, template, {"form": form, "failed": True}, status=401)
