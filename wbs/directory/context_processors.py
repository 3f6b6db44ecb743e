from django.conf import settings

from .models import OrganisationProfile


def organisation(request):
    # One indexed primary-key read per page; the profile is tiny.
    return {
        "org": OrganisationProfile.get(),
        "upload_limits": {
            "file_mb": settings.WBS_MAX_FILE_BYTES // (1024 * 1024),
            "report_mb": settings.WBS_MAX_REPORT_BYTES // (1024 * 1024),
            "file_bytes": settings.WBS_MAX_FILE_BYTES,
            "report_bytes": settings.WBS_MAX_REPORT_BYTES,
        },
        # How many identity custodians must approve before a reporter's identity opens.
        "identity_quorum": settings.WBS_IDENTITY_QUORUM,
    }
