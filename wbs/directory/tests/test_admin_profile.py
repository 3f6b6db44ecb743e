"""The organisation profile edited through the Django admin gets the settings screen's checks."""

import pytest
from django.forms.models import model_to_dict
from django.test import RequestFactory

from wbs.accounts.admin_site import site
from wbs.directory.models import OrganisationProfile

pytestmark = pytest.mark.django_db


def test_admin_refuses_a_number_pattern_that_would_break_documents(staff):
    profile = OrganisationProfile.get()
    model_admin = site._registry[OrganisationProfile]
    request = RequestFactory().get("/")
    request.user = staff["admin"]
    form_class = model_admin.get_form(request, profile)
    data = {k: v for k, v in model_to_dict(profile).items() if k != "logo" and v is not None}
    form = form_class(data={**data, "number_pattern": "{nomor}/{tahun}"}, instance=profile)
    assert not form.is_valid()
    assert "number_pattern" in form.errors
