"""Deny by default: walk every URL pattern; only the allow-listed reporter and API views answer
an anonymous visitor, everything else sends them away (docs/design/style.md habit 4)."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from wbs.intake.views import PUBLIC_VIEWS

pytestmark = pytest.mark.django_db

# Reporter-side views that answer without an account: the pages themselves check the reporter's
# own session or token and give 404/401 without one.
PUBLIC = (
    PUBLIC_VIEWS
    | {
        "set_language",
        "accounts:staff_login",
        "intake:status_report",
        "intake:status_message",
        "intake:status_evidence",
        "intake:account_register",
        "intake:account_login",
        "intake:account_home",
        "intake:account_report",
        "intake:account_report_message",
        "intake:account_report_evidence",
    }
    | {
        f"api:{name}"
        for name in (
            "health",
            "openapi",
            "public_figures",
            "public_categories",
            "public_units",
            "reports",
            "reporter_session",
            "reporter_report",
            "reporter_messages",
            "reporter_attachments",
        )
    }
)


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern)


def _concrete(route: str) -> str:
    route = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", route)
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<(?:str|slug|path):[^>]+>", "x", route)
    route = route.replace("^", "").replace("$", "")
    return "/" + route


ALL = sorted(set(_walk(get_resolver().url_patterns)), key=str)


def test_every_url_has_a_name():
    assert all(name for name, _route in ALL)


@pytest.mark.parametrize(("name", "route"), [(n, r) for n, r in ALL if n not in PUBLIC])
def test_non_public_url_refuses_an_anonymous_visitor(palembang, name, route):
    client = Client()
    for method in ("get", "post"):
        response = getattr(client, method)(_concrete(route))
        assert response.status_code in (302, 401, 403, 404, 405), (name, method)
        if response.status_code == 302:
            assert response["Location"].startswith(LOGIN_PAGES), (name, response["Location"])


# Where an anonymous visitor may be sent: the log-in pages (the admin's own log-in page and
# index forward to the staff log-in).
LOGIN_PAGES = ("/staf/masuk/", "/akun/masuk/", "/staf/admin/login/", "/staf/admin/")


def test_admin_login_page_forwards_to_the_staff_login(palembang):
    response = Client().get("/staf/admin/login/")
    assert response["Location"] == "/staf/masuk/"


@pytest.mark.parametrize(
    ("name", "route"),
    [
        (n, r)
        for n, r in ALL
        if n in PUBLIC
        and (
            "report_" in n
            or "reporter_" in n
            or n.startswith("intake:status_")
            or n.startswith("intake:account_report")
        )
        and n not in PUBLIC_VIEWS
    ],
)
def test_reporter_private_url_gives_nothing_without_its_session(palembang, name, route):
    response = Client().get(_concrete(route))
    assert response.status_code in (401, 404, 405), name


TEMPLATE_URL = re.compile(r"{%\s*url\s+'([\w:]+)'")


def test_every_url_name_in_the_templates_exists():
    """A page linking to a route that moved fails here, not only in the one browser test that
    happens to render it."""
    from pathlib import Path

    from django.conf import settings
    from django.urls import NoReverseMatch, reverse

    names = {
        name
        for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html")
        for name in TEMPLATE_URL.findall(path.read_text())
    }
    missing = []
    for name in sorted(names):
        try:
            reverse(name)
        except NoReverseMatch as exc:
            if "is not a valid view function or pattern name" in str(exc):
                missing.append(name)
    assert len(names) > 30 and missing == []
