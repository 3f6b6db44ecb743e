"""Checklist item 37 for errors: an exception's text (which may quote a report or a decrypted
value) never reaches the log, through Django's request logger or any other; where it happened
(type, file, line) does."""

import io
import logging

import pytest
from django.urls import path

SECRET = "KORUPSI-DANA-HIBAH-RAHASIA-7731"


def _console():
    handler = next(h for h in logging.getLogger("django.request").handlers if h.name == "console")
    stream = io.StringIO()
    old = handler.setStream(stream)
    return handler, stream, old


def _raise_inner():
    raise ValueError(f"nilai tidak sah: {SECRET}")


def _raise_chained():
    try:
        _raise_inner()
    except ValueError as exc:
        raise RuntimeError(f"gagal menyimpan {SECRET}") from exc


@pytest.mark.parametrize("logger_name", ["django.request", "django_tasks", "wbs.cases"])
def test_exception_text_is_not_logged_but_its_place_is(logger_name):
    handler, stream, old = _console()
    try:
        try:
            _raise_chained()
        except RuntimeError:
            logging.getLogger(logger_name).exception(
                "Internal Server Error: %s", "/staf/kasus/WBS-2026-0001/", extra={"x": SECRET}
            )
    finally:
        handler.setStream(old)
    text = stream.getvalue()
    assert SECRET not in text
    assert "builtins.RuntimeError" in text and "builtins.ValueError" in text
    assert "_raise_inner" in text and "test_log_redaction.py" in text
    if logger_name == "django.request":
        assert "Internal Server Error: /staf/kasus/WBS-2026-0001/" in text


def _failing_view(request):
    raise KeyError(SECRET)


urlpatterns = [path("rusak/", _failing_view)]


@pytest.mark.django_db
def test_a_server_error_in_a_request_logs_no_exception_text(client, settings):
    """Through the real request path: a view that fails with report text in its exception."""
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    handler, stream, old = _console()
    try:
        response = client.get("/rusak/")
    finally:
        handler.setStream(old)
    assert response.status_code == 500
    text = stream.getvalue()
    assert "Internal Server Error: /rusak/" in text and "builtins.KeyError" in text
    assert "_failing_view" in text
    assert SECRET not in text
