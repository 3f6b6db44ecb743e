"""The staff pages in-process: SQL queries per request (Django's CaptureQueriesContext), the
median wall time without HTTP, optionally a cProfile, and EXPLAIN ANALYZE of each page's
slowest SELECT. Run by bench/casework.py inside the benchmark's environment (database, data
dir, secrets) after the HTTP measurements:

    python bench/profile_casework.py SPEC.json

SPEC.json: {"users": {username: {"password", "totp_secret"}}, "pages": [{"label", "user",
"method", "paths": [...], "expect"}], "repeat": N, "profile": N, "explain_ms": X}. A GET page
reuses its paths in turn; a POST page uses each path once (a transition changes the report).
Each user logs in through the real views with Django's test Client (password, then TOTP), so
the session, keyring cookie and OTP state are the real ones. Prints one JSON line.

As in production (DATABASE_CONN_MAX_AGE=0) every request opens its own database connection
(the first query pays for it: "session load" in the profile). Query times are Django's, to the
millisecond.
"""

import base64
import cProfile
import hashlib
import hmac
import io
import json
import os
import pstats
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

# Main steps: (label, end of the file path, function). Cumulative time per request.
STEPS = [
    ("whole request (BaseHandler.get_response)", "django/core/handlers/base.py", "get_response"),
    ("  session load (SessionStore.load)", "django/contrib/sessions/backends/db.py", "load"),
    ("  session save", "django/contrib/sessions/backends/db.py", "save"),
    ("  keyring load (decrypt)", "wbs/vault/keyring.py", "load"),
    ("  user + roles", "wbs/accounts/models.py", "roles"),
    ("  inbox: queue counts (one aggregate)", "wbs/cases/inbox.py", "queue_counts"),
    ("  inbox: paginator count", "django/core/paginator.py", "count"),
    ("  inbox: grants.preload (query + unseal)", "wbs/vault/grants.py", "preload"),
    ("  inbox: open_title", "wbs/cases/sealing.py", "open_title"),
    ("  case: report_for", "wbs/cases/inbox.py", "report_for"),
    ("  case: _case_context", "wbs/cases/views.py", "_case_context"),
    ("    open_report", "wbs/cases/sealing.py", "open_report"),
    ("    open_messages", "wbs/cases/sealing.py", "open_messages"),
    ("    attachment_infos", "wbs/cases/evidence.py", "attachment_infos"),
    ("    allowed_actions", "wbs/cases/workflow.py", "allowed_actions"),
    ("    identity_panel", "wbs/cases/services.py", "identity_panel"),
    ("    public_timeline", "wbs/cases/models.py", "public_timeline"),
    ("  transition: workflow.apply", "wbs/cases/workflow.py", "apply"),
    ("  dashboard.build", "wbs/monitoring/dashboard.py", "build"),
    ("    figures.table1", "wbs/monitoring/figures.py", "table1"),
    ("    figures.counts_by", "wbs/monitoring/figures.py", "counts_by"),
    ("    figures.monthly", "wbs/monitoring/figures.py", "monthly"),
    ("    figures.stage_times", "wbs/monitoring/figures.py", "stage_times"),
    ("    charts.bar_chart", "wbs/monitoring/charts.py", "bar_chart"),
    ("    suppression", "wbs/monitoring/suppression.py", "suppress_grid"),
    ("  crypto.unseal (sealed boxes)", "wbs/vault/crypto.py", "unseal"),
    ("  crypto.decrypt", "wbs/vault/crypto.py", "decrypt"),
    ("  audit log (log.record)", "wbs/audit/log.py", "record"),
    ("  template rendering", "django/template/backends/django.py", "render"),
    ("  all SQL round trips", "django/db/backends/utils.py", "_execute"),
]


def totp(secret_b32: str) -> str:
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, int(time.time() // 30).to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return str((int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**6).zfill(6)


def log_in(username: str, password: str, secret: str) -> Client:
    TOTPDevice.objects.filter(user__username=username).update(last_t=-1)
    client = Client(HTTP_HOST="127.0.0.1")
    response = client.post("/staf/masuk/", {"username": username, "password": password})
    if response.status_code != 302:
        raise SystemExit(f"{username}: password step answered {response.status_code}")
    response = client.post("/staf/masuk/kode/", {"token": totp(secret)})
    if response.status_code != 302:
        raise SystemExit(f"{username}: TOTP step answered {response.status_code}")
    return client


class Page:
    def __init__(self, spec: dict, client: Client):
        self.spec = spec
        self.client = client
        self.method = spec.get("method", "GET")
        self.paths = list(spec["paths"])
        self.used = 0

    def available(self) -> int:
        return len(self.paths) - self.used if self.method == "POST" else 10**9

    def one(self):
        path = self.paths[self.used % len(self.paths)]
        self.used += 1
        send = self.client.post if self.method == "POST" else self.client.get
        response = send(path)
        expect = self.spec.get("expect", 200)
        if response.status_code != expect:
            raise SystemExit(
                f"{self.spec['label']}: {path} answered {response.status_code}, expected {expect}"
            )
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        response.close()
        return response


def _short(sql: str, limit: int = 400) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= limit else sql[: limit - 1] + "…"


def explain(sql: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a SELECT, in a transaction rolled back afterwards."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def measure(page: Page, repeat: int, profile_n: int, explain_ms: float) -> dict:
    result: dict = {"label": page.spec["label"], "path": page.paths[0]}
    page.one()  # warm-up: imports, template loading, first queries
    with CaptureQueriesContext(connection) as captured:
        page.one()
    queries = [{"ms": round(1000 * float(q["time"]), 2), "sql": q["sql"]} for q in captured]
    counts = Counter(q["sql"] for q in queries)
    result.update(
        {
            "queries": len(queries),
            "sql_ms": round(sum(q["ms"] for q in queries), 1),
            "repeated": [
                {"times": n, "sql": _short(sql, 240)} for sql, n in counts.most_common() if n > 1
            ],
            "all": [{"ms": q["ms"], "sql": _short(q["sql"], 240)} for q in queries],
            "slowest": [
                {"ms": q["ms"], "sql": _short(q["sql"], 1200)}
                for q in sorted(queries, key=lambda q: -q["ms"])[:5]
            ],
        }
    )
    selects = [
        q
        for q in queries
        if q["sql"].lstrip().upper().startswith("SELECT") and "FOR UPDATE" not in q["sql"].upper()
    ]
    if selects:
        slowest = max(selects, key=lambda q: q["ms"])
        if slowest["ms"] >= explain_ms:
            result["explain"] = {
                "ms": slowest["ms"],
                "sql": _short(slowest["sql"], 2000),
                "plan": explain(slowest["sql"]),
            }
    walls = []
    for _ in range(min(repeat, page.available())):
        start = time.perf_counter()
        page.one()
        walls.append(time.perf_counter() - start)
    if walls:
        result["wall_ms_median"] = round(1000 * statistics.median(walls), 1)
        result["wall_n"] = len(walls)
    count = min(profile_n, page.available())
    if count:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(count):
            page.one()
        profiler.disable()
        result["profile"] = profile_text(profiler, count)
    return result


def profile_text(profiler: cProfile.Profile, count: int) -> str:
    stats = pstats.Stats(profiler)
    lines = [f"  cProfile, n={count}: {1000 * stats.total_tt / count:.1f} ms per request"]
    seen = set()
    for label, path, function in STEPS:
        cumulative = sum(
            ct
            for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items()
            if name == function and filename.endswith(path)
        )
        if cumulative and label not in seen:
            seen.add(label)
            lines.append(f"  {1000 * cumulative / count:7.1f} ms  {label}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    text = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(text) if line.strip().startswith("ncalls")), 0)
    lines.append("  top functions by own time (total s over all calls):")
    for line in text[start:]:
        if line.strip():
            lines.append(
                "   "
                + line.replace(str(ROOT) + "/", "").replace(
                    ".venv/lib/python3.11/site-packages/", ""
                )
            )
    return "\n".join(lines)


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    clients: dict[str, Client] = {}
    results = []
    for page_spec in spec["pages"]:
        user = page_spec["user"]
        if user not in clients:
            creds = spec["users"][user]
            clients[user] = log_in(user, creds["password"], creds["totp_secret"])
        page = Page(page_spec, clients[user])
        results.append(
            measure(page, spec.get("repeat", 5), spec.get("profile", 0), spec.get("explain_ms", 5))
        )
    print("BENCH-JSON " + json.dumps(results))


if __name__ == "__main__":
    main()
