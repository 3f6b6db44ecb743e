"""Small pieces every app's views share: a form page's status, logging out."""

from django.shortcuts import redirect, render

from wbs.vault import keyring as kr


def form_page(request, template: str, context: dict):
    """A page with a form: 200 when shown, 400 when a POST comes back with errors."""
    return render(request, template, context, status=400 if request.method == "POST" else 200)


def logged_out(request, to: str):
    """End the session and its keyring; tell the browser to forget this site's data."""
    request.session.flush()
    kr.detach(request)
    response = redirect(to)
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response
