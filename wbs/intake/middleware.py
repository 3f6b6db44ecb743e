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


def _policy() -> str:
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    parts = []
    for name, value in directives.items():
        if value is True:
            parts.append(name)
        elif value:
            parts.append(f"{name} {' '.join(value)}")
    return "; ".join(parts)


def with_header_contract(response):
    """The headers every answer carries (CSP, no framing, no caching, nosniff, permissions),
    added where a response was made before the middlewares that set them ran: this guard's
    own 413/400 and Django's 400 for a bad Host. Headers already set are left alone (static
    files keep their caching)."""
    if "Content-Security-Policy" not in response:
        response["Content-Security-Policy"] = _policy()
    response.setdefault("X-Frame-Options", "DENY")
    response.setdefault("X-Content-Type-Options", "nosniff")
    response.setdefault("Referrer-Policy", "no-referrer")
    response.setdefault("Cache-Control", "no-store, no-cache, must-revalidate, private, max-age=0")
    response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    return response


PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)


class RequestSizeLimitMiddleware:
    """Refuse oversized bodies before reading them (413), and answer a body that cannot be
    parsed with a clear 400 instead of a server error. Nothing of a refused request is kept.
    Every response passing back through here carries the header contract."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return with_header_contract(self._respond(request))

    def _respond(self, request):
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
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
