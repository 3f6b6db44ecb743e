from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .errors import error_response

PLAIN_UPLOAD_PATHS = ("/staf/administrasi/pengaturan/", "/staf/admin/directory/")
# Room for the form fields and multipart framing around the largest allowed set of files.
_ENVELOPE = 2 * 1024 * 1024


class RequestSizeLimitMiddleware:
    """Refuse oversized bodies before reading them (413), and answer a body that cannot be
    parsed with a clear 400 instead of a server error. Nothing of a refused request is kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.WBS_MAX_REPORT_BYTES + _ENVELOPE:
            return error_response(
                request,
                413,
                _("The upload is too large: all files together may be at most %(mb)d MB.")
                % {"mb": settings.WBS_MAX_REPORT_BYTES // (1024 * 1024)},
                "errors/413.html",
            )
        if request.method == "POST" and request.content_type == "multipart/form-data":
            if request.path.startswith(PLAIN_UPLOAD_PATHS):
                # Administrator uploads (the letterhead logo) are not report data.
                request.upload_handlers = [MemoryFileUploadHandler(request)]
            try:
                request.POST  # noqa: B018 - parse now, inside this guard
            except (
                MultiPartParserError,
                RequestDataTooBig,
                TooManyFieldsSent,
                TooManyFilesSent,
            ) as exc:
                status = 413 if isinstance(exc, RequestDataTooBig) else 400
                return error_response(
                    request,
                    status,
                    _(
                        "The form could not be read (it may be damaged or too large). "
                        "Please try again."
                    ),
                    "errors/400.html",
                )
        return self.get_response(request)


class PrivacyHeadersMiddleware:
    """`Cache-Control: no-store` on every page (reporter and staff pages alike; static files are
    served by WhiteNoise before this runs) and a restrictive Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        response.setdefault(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        )
        return response
