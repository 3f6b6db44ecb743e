"""Generic error pages (no stack trace, no request detail); JSON under /api/."""

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def error_response(request, status: int, message: str, template: str):
    if _is_api(request):
        return JsonResponse({"error": message, "fields": {}}, status=status)
    return render(request, template, {"message": message}, status=status)


def bad_request(request, exception=None):
    return error_response(request, 400, _("The request could not be read."), "errors/400.html")


def permission_denied(request, exception=None):
    return error_response(request, 403, _("You may not open this page."), "errors/403.html")


def page_not_found(request, exception=None):
    return error_response(request, 404, _("Page not found."), "errors/404.html")


def server_error(request):
    # Rendered without the request context: the failure may be in a context processor.
    if _is_api(request):
        return JsonResponse({"error": _("A server error occurred."), "fields": {}}, status=500)
    return HttpResponseServerError(loader.get_template("errors/500.html").render({}))
