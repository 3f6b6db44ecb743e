"""Profile reporter requests in-process with cProfile: the WSGI application is called directly
with the same bodies the HTTP benchmark sends (no gunicorn, no socket), so the numbers are the
application's own. Run by `bench/run.py --profile N` inside the benchmark's environment
(database, data dir, secrets):

    python bench/profile_reporter.py PDF_BODY PDF_CONTENT_TYPE PLAIN_BODY PLAIN_CONTENT_TYPE N

For each of: submission with the PDF, submission without attachment, code lookup, it prints the
median wall time without the profiler, then the cumulative time of the main steps and the top
functions by own time with it.
"""

import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.wsgi import application

# Main steps: (label, end of the file path, function). Cumulative time per request.
STEPS = [
    ("whole request (WSGIHandler.__call__)", "django/core/handlers/wsgi.py", "__call__"),
    ("  multipart parsing + temp encryption", "django/http/request.py", "_load_post_and_files"),
    ("  form + formset validation", "django/forms/forms.py", "full_clean"),
    ("  content check (decrypt temp + pikepdf)", "wbs/vault/uploads.py", "inspect_upload"),
    ("    pikepdf open/scrub/save", "wbs/vault/filecheck/pdf.py", "clean_pdf"),
    ("  submit_report (one transaction)", "wbs/intake/services.py", "submit_report"),
    ("    seal_new_report", "wbs/cases/sealing.py", "seal_new_report"),
    ("    store_attachment (encrypt, write 2)", "wbs/cases/evidence.py", "store_attachment"),
    ("  open_with_access_code", "wbs/vault/access.py", "open_with_access_code"),
    ("  Argon2id (crypto.derive_key)", "wbs/vault/crypto.py", "derive_key"),
    ("  sealed boxes (crypto.seal)", "wbs/vault/crypto.py", "seal"),
    ("  session store create/save", "django/contrib/sessions/backends/db.py", "save"),
    ("  audit log (log.record)", "wbs/audit/log.py", "record"),
    ("  rate-limit checks (Redis)", "wbs/accounts/ratelimit.py", "submission_blocked"),
    ("  rate-limit checks (Redis)", "wbs/accounts/ratelimit.py", "lookup_blocked"),
    ("  rate-limit counting (Redis)", "wbs/accounts/ratelimit.py", "submission_claim"),
    ("  all SQL round trips", "django/db/backends/utils.py", "_execute"),
    ("  opening DB connections", "django/db/backends/base/base.py", "connect"),
    ("  closing DB connections", "django/db/backends/base/base.py", "close"),
    ("  Redis client calls", "django/core/cache/backends/redis.py", "get_client"),
]


def environ(path: str, body: bytes, content_type: str) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def call(path: str, body: bytes, content_type: str, expect: str) -> bytes:
    status = []
    response = application(environ(path, body, content_type), lambda s, h: status.append(s))
    data = b"".join(response)
    response.close()
    if not status[0].startswith(expect):
        raise SystemExit(f"{path} answered {status[0]}: {data[:300]!r}")
    return data


def profile(title: str, count: int, one) -> None:
    for i in range(3):  # warm-up: imports, first queries
        one(i)
    walls = []
    for i in range(count):
        start = time.perf_counter()
        one(i)
        walls.append(time.perf_counter() - start)
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(count):
        one(i)
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(
        f"== {title}: median {1000 * statistics.median(walls):.1f} ms without profiler, "
        f"{1000 * stats.total_tt / count:.1f} ms with (n={count}, in-process, no HTTP)"
    )
    seen = set()
    for label, path, function in STEPS:
        cumulative = sum(
            ct
            for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items()
            if name == function and filename.endswith(path)
        )
        if cumulative and (label, function) not in seen:
            seen.add((label, function))
            print(f"  {1000 * cumulative / count:7.1f} ms  {label}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
    print("  top functions by own time (total s over all calls):")
    for line in lines[start:]:
        if line.strip():
            print(
                "   "
                + line.replace(str(Path.cwd()) + "/", "").replace(
                    ".venv/lib/python3.11/site-packages/", ""
                )
            )
    print()


def main() -> None:
    pdf_body, pdf_type = Path(sys.argv[1]).read_bytes(), sys.argv[2]
    plain_body, plain_type = Path(sys.argv[3]).read_bytes(), sys.argv[4]
    count = int(sys.argv[5])
    codes: list[str] = []

    def submit(body, content_type):
        def one(_i):
            data = call("/api/v1/reports", body, content_type, "201")
            codes.append(json.loads(data)["access_code"])

        return one

    profile("submission with the 1 MB PDF", count, submit(pdf_body, pdf_type))
    profile("submission without attachment", count, submit(plain_body, plain_type))

    def lookup(i):
        body = json.dumps({"access_code": codes[i % len(codes)]}).encode()
        call("/api/v1/reporter/session", body, "application/json", "200")

    profile("code lookup", count, lookup)


if __name__ == "__main__":
    main()
