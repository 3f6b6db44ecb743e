"""Registered reporters: register, log in, see their own reports. Their key pair (wrapped under
the password) opens the report keys sealed to them; nothing in the database links an account
to a report in the clear."""

from django.contrib.auth import get_user_model
from django.contrib.auth import login as django_login
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from wbs.accounts import login, ratelimit
from wbs.accounts.forms import LoginForm
from wbs.accounts.models import User
from wbs.accounts.pages import form_page
from wbs.cases.models import PublicStage, Report
from wbs.cases.sealing import open_title
from wbs.vault import access, keys
from wbs.vault import keyring as kr

from .forms import ReporterRegistrationForm

LOGIN_LIMIT_ACCOUNT = 10
LOGIN_LIMIT_ADDRESS = 300


def _start(request, user, private_key: bytes) -> None:
    request.session.flush()
    django_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session["wbs_kind"] = "reporter"
    keyring = kr.Keyring(user_id=user.pk, private_key=private_key)
    access.open_reporter_items(keyring, user)
    kr.attach(request, keyring)


@require_http_methods(["GET", "POST"])
def register(request):
    form = ReporterRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username=data["username"],
                password=data["password1"],
                kind=User.Kind.REPORTER,
                email=data["email"],
                notify_by_email=bool(data["email"]),
            )
            keys.create_user_keypair(user, data["password1"])
            access.seal_profile(
                user,
                {
                    "name": data["name"].strip(),
                    "nip": data["nip"],
                    "unit": data["unit"].strip(),
                    "contact": data["contact"].strip(),
                },
            )
        private = keys.unlock_private_key(user, data["password1"])
        _start(request, user, private)
        return redirect("intake:account_home")
    return form_page(request, "intake/account_register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def account_login(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = login.password_step(
            request,
            form,
            action="reporter-login",
            kind="reporter",
            limits=(LOGIN_LIMIT_ACCOUNT, LOGIN_LIMIT_ADDRESS),
        )
        if step.outcome != login.OK:
            return login.refused_page(request, "intake/account_login.html", step)
        ratelimit.account_success(request, "reporter-login", step.username)
        _start(request, step.user, step.private_key)
        return redirect("intake:account_home")
    return form_page(request, "intake/account_login.html", {"form": form})


def _require_reporter(request):
    user = request.user
    return user.is_authenticated and user.is_reporter and request.keyring.has_private_key


@require_GET
def account_home(request):
    if not _require_reporter(request):
        return redirect("intake:account_login")
    reports = Report.objects.filter(pk__in=request.keyring.report_ids).select_related(
        "category", "unit"
    )
    rows = [
        {
            "report": r,
            "title": open_title(request.keyring, r),
            "stage_label": PublicStage(r.public_stage).label,
        }
        for r in reports
    ]
    return render(request, "intake/account_home.html", {"rows": rows, "title": _("My reports")})
