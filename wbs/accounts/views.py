"""Staff log-in: password (Argon2id), then a mandatory TOTP code (enrolled at first log-in).
The password step alone never yields a session: it only unlocks the private key, held in a
pending keyring until the second factor succeeds."""

import base64
import time

import segno
from django.conf import settings
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import login as django_login
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from wbs.audit import log
from wbs.vault import keyring as kr
from wbs.vault import keys

from . import alerts, login, ratelimit, services
from .decorators import staff_required
from .forms import ConfirmPasswordForm, LoginForm, NewPasswordForm, PasswordChangeForm, TokenForm
from .pages import form_page, logged_out

PENDING = "wbs_pending"
PENDING_SECONDS = 5 * 60
LIMIT_ACCOUNT = 10
LIMIT_ADDRESS = 100


def _pending(request) -> dict | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    return pending


def _pending_user(request, *, choosing: bool = False):
    """The staff member half-way through logging in: after the password step (holding their
    keyring), or with `choosing`, before they have chosen their own password (no keyring)."""
    pending = _pending(request)
    if pending is None or bool(pending.get("choose")) != choosing:
        return None
    if not choosing and (
        not request.keyring.has_private_key or request.keyring.user_id != pending["user"]
    ):
        return None
    return get_user_model().objects.filter(pk=pending["user"], is_active=True, kind="staff").first()


def _confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _second_factor(user):
    if _confirmed_device(user) is not None:
        return redirect("accounts:staff_otp")
    return redirect("accounts:staff_otp_enroll")


@require_http_methods(["GET", "POST"])
def staff_login(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = login.password_step(
            request, form, action="staff-login", kind="staff", limits=(LIMIT_ACCOUNT, LIMIT_ADDRESS)
        )
        if step.outcome == login.MUST_CHOOSE:
            # A password somebody else set: with an authenticator already enrolled, its code
            # comes first (the temporary password alone chooses nothing); then a new password.
            request.session.flush()
            request.session[PENDING] = {"user": step.user.pk, "at": int(time.time()), "choose": 1}
            if _confirmed_device(step.user) is not None:
                return redirect("accounts:staff_otp")
            return redirect("accounts:choose_password")
        if step.outcome != login.OK:
            log.record(verb=f"auth.{step.outcome}", payload={"step": "password"})
            return login.refused_page(request, "accounts/login.html", step)
        user = step.user
        request.session.flush()
        request.session[PENDING] = {"user": user.pk, "at": int(time.time())}
        kr.attach(
            request,
            kr.Keyring(user_id=user.pk, private_key=step.private_key, signing_key=step.signing_key),
        )
        return _second_factor(user)
    # Text sent after the session expired waits for this log-in (wbs.cases.drafts).
    held_text = settings.WBS_DRAFT_COOKIE_NAME in request.COOKIES
    return form_page(request, "accounts/login.html", {"form": form, "held_text": held_text})


@require_http_methods(["GET", "POST"])
def choose_password(request):
    """The first log-in with a password somebody else set: the person chooses their own before
    anything else (after the code of an authenticator they already have), and their key pair
    is made under it; then the second factor, if it has not been given yet."""
    user = _pending_user(request, choosing=True)
    if user is None:
        return redirect("accounts:staff_login")
    device = _confirmed_device(user)
    verified = device is not None and request.session[PENDING].get("otp") == device.pk
    if device is not None and not verified:
        return redirect("accounts:staff_otp")
    form = NewPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unlocked = services.choose_password(user, form.cleaned_data["new1"])
        except services.RoleError:  # chosen meanwhile, in another session
            return logged_out(request, "accounts:staff_login")
        request.session[PENDING] = {"user": user.pk, "at": int(time.time())}
        kr.attach(
            request,
            kr.Keyring(
                user_id=user.pk,
                private_key=unlocked.private_key,
                signing_key=unlocked.signing_key,
            ),
        )
        user.refresh_from_db()  # the new password hash goes into the session
        if verified:
            _complete_login(request, user, device)
            return redirect("cases:home")
        return _second_factor(user)
    return form_page(request, "accounts/choose_password.html", {"form": form})


def _complete_login(request, user, device) -> None:
    django_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    request.session.pop(PENDING, None)
    now = int(time.time())
    request.session["wbs_kind"] = "staff"
    request.session["wbs_started"] = now
    request.session["wbs_seen"] = now
    request.session["wbs_gen"] = user.session_generation
    kr.save(request)
    log.record(verb="auth.login", actor=user, target=user)


def _token_step(request, user, device, form, step: str) -> str:
    """Check a TOTP code, counted per account and address first: login.OK, login.THROTTLED or
    login.FAILED (the refusals audited)."""
    if ratelimit.account_attempt(
        request, "staff-otp", user.username, per_account=LIMIT_ACCOUNT, per_address=LIMIT_ADDRESS
    ):
        outcome = login.THROTTLED
    else:
        allowed, _info = device.verify_is_allowed()
        ok = allowed and device.verify_token(form.cleaned_data["token"])
        outcome = login.OK if ok else login.FAILED
    if outcome != login.OK:
        log.record(verb=f"auth.{outcome}", payload={"step": step}, target=user)
    return outcome


def _token_refused(request, template: str, outcome: str, context=None):
    flag = "rate_limited" if outcome == login.THROTTLED else "failed"
    status = 429 if outcome == login.THROTTLED else 401
    return render(
        request, template, {"form": TokenForm(), flag: True, **(context or {})}, status=status
    )


@require_http_methods(["GET", "POST"])
def staff_otp(request):
    choosing = bool((_pending(request) or {}).get("choose"))
    user = _pending_user(request, choosing=choosing)
    if user is None:
        return redirect("accounts:staff_login")
    device = _confirmed_device(user)
    if device is None:
        if choosing:
            return redirect("accounts:choose_password")
        return redirect("accounts:staff_otp_enroll")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = _token_step(request, user, device, form, "totp")
        if outcome != login.OK:
            return _token_refused(request, "accounts/otp.html", outcome)
        ratelimit.account_success(request, "staff-otp", user.username)
        ratelimit.account_success(request, "staff-login", user.username)
        if choosing:  # the code is right: now the person chooses their own password
            request.session[PENDING] = {**request.session[PENDING], "otp": device.pk}
            return redirect("accounts:choose_password")
        _complete_login(request, user, device)
        return redirect("cases:home")
    return form_page(request, "accounts/otp.html", {"form": form})


def _qr_svg(user, device) -> tuple[str, str]:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    issuer = "WBS"
    uri = (
        f"otpauth://totp/{issuer}:{user.username}?secret={secret}&issuer={issuer}"
        f"&digits=6&period=30"
    )
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff"), secret


@require_http_methods(["GET", "POST"])
def staff_otp_enroll(request):
    """First log-in (or a reset): enrol an authenticator app from a QR code drawn here."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:staff_login")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:staff_otp")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    qr, secret = _qr_svg(user, device)
    if request.method == "POST" and form.is_valid():
        outcome = _token_step(request, user, device, form, "totp_enrol")
        if outcome == login.THROTTLED:
            return _token_refused(request, "accounts/otp_enroll.html", outcome)
        if outcome == login.FAILED:
            context = {"qr": qr, "secret": secret}
            return _token_refused(request, "accounts/otp_enroll.html", outcome, context)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        log.record(verb="auth.totp_enrolled", actor=user, target=user)
        _complete_login(request, user, device)
        return redirect("cases:home")
    context = {"form": form, "qr": qr, "secret": secret, "failed": False}
    return render(request, "accounts/otp_enroll.html", context)


@staff_required()
@require_GET
def still_here(request):
    """The idle warning's "Stay logged in": a request that counts as activity, no more."""
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def staff_logout(request):
    if request.user.is_authenticated:
        log.record(verb="auth.logout", actor=request.user, target=request.user)
    return logged_out(request, "accounts:staff_login")


@staff_required()
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        with transaction.atomic():
            user.set_password(form.cleaned_data["new1"])
            user.save(update_fields=["password"])
            keys.rewrap_for_session(user, request.keyring, form.cleaned_data["new1"])
            user.end_all_sessions()
            log.record(verb="auth.password_changed", actor=user, target=user)
        update_session_auth_hash(request, user)
        request.session["wbs_gen"] = user.session_generation
        return render(
            request,
            "accounts/done.html",
            {"message": _("Your password has been changed. Your other sessions have been ended.")},
        )
    return form_page(
        request,
        "accounts/password_change.html",
        {"form": form, "fingerprint": keys.session_fingerprint(request.keyring)},
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def otp_reset(request):
    """Replace the authenticator: confirm the password, then enrol a new device at the next
    log-in. Ends every session of the user, this one included."""
    form = ConfirmPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).delete()
            user.end_all_sessions()
            log.record(verb="auth.totp_reset", actor=user, target=user)
        return logged_out(request, "accounts:staff_login")
    return form_page(request, "accounts/otp_reset.html", {"form": form})


@staff_required(*alerts.WATCHERS)
@require_http_methods(["GET", "POST"])
def alerts_view(request):
    """The alerts of an Inspektur or custodian: what happened to whose keys, until seen."""
    if request.method == "POST":
        alerts.acknowledge(request.user)
        return redirect("accounts:alerts")
    rows = [
        {"alert": a, "label": alerts.LABELS.get(a.verb, a.verb)}
        for a in alerts.open_alerts(request.user)[:200]
    ]
    return render(request, "accounts/alerts.html", {"rows": rows})
