"""The floor (issue 10 §2): what any Django application on this stack pays for a submission and
a code look-up, to measure WBS against. One module, no apps, no middleware: under the same
gunicorn settings (2 sync workers), PostgreSQL and Redis as the application, it

- `POST /api/v1/reports`: parses the same multipart request (Django's own upload handlers),
  writes each received file to a file, counts the request in Redis (as a rate limit would),
  inserts one row with the fields as JSON and answers 201 with a number and a code;
- `POST /api/v1/reporter/session`: parses the JSON, counts in Redis, looks the code up by its
  unique index and answers 200 with a token (401 if unknown);
- `GET /api/v1/health`: 200.

Nothing is checked, cleaned, encrypted or sealed: that is the difference the ratio measures.
Started by bench/reporter.py through harness.FloorServer; not a part of WBS."""

import json
import os
import secrets
from pathlib import Path

import dj_database_url
import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ["SECRET_KEY"],
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    MIDDLEWARE=[],
    USE_TZ=True,
    DATABASES={"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)},
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    },
    DATA_UPLOAD_MAX_MEMORY_SIZE=None,
)
django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

FILES = Path(os.environ["WBS_DATA_DIR"]) / "floor-files"
FILES.mkdir(parents=True, exist_ok=True)


def _count(kind: str) -> None:
    key = f"floor:{kind}"
    if not cache.add(key, 1, 3600):
        cache.incr(key)


@csrf_exempt
def submit(request):
    received = 0
    for upload in request.FILES.getlist("attachments"):
        with (FILES / secrets.token_hex(16)).open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        received += upload.size
    _count("submit")
    code = secrets.token_hex(12)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO floor_submission (code, fields, bytes) VALUES (%s, %s, %s)",
            [code, json.dumps(request.POST.dict()), received],
        )
    return JsonResponse({"registration_number": code[:10], "access_code": code}, status=201)


@csrf_exempt
def session(request):
    code = json.loads(request.body or b"{}").get("access_code", "")
    _count("lookup")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM floor_submission WHERE code = %s", [code])
        row = cursor.fetchone()
    if row is None:
        return JsonResponse({"error": "unknown"}, status=401)
    return JsonResponse({"token": secrets.token_urlsafe(32), "expires_in": 1800})


def health(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("api/v1/reports", submit),
    path("api/v1/reporter/session", session),
    path("api/v1/health", health),
]
application = get_wsgi_application()
