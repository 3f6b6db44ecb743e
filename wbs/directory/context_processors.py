from .models import OrganisationProfile


def organisation(request):
    # One indexed primary-key read per page; the profile is tiny.
    return {"org": OrganisationProfile.get()}
