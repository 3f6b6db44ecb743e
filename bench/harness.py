"""Shared machinery for the benchmarks: a production-like server (gunicorn on PostgreSQL and
Redis, in a fresh database and a temporary data directory) plus small HTTP and statistics
helpers. Standard library only, apart from psycopg (already a dependency of the app).

Nothing here touches the application code: the server is started exactly as in production,
only configured through its environment.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python"
GUNICORN = BIN / "gunicorn"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"
REDIS_URL = "redis://127.0.0.1:6379/15"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# Variables of the caller's environment that would change the app's configuration: removed so a
# developer's shell (demo mode, another database...) cannot leak into the measurement.
_APP_ENV_PREFIXES = ("WBS_", "DJANGO_", "DATABASE_", "EMAIL_")
_APP_ENV_NAMES = {
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DEFAULT_FROM_EMAIL",
}

# (username, roles[, wilayah code]) created with create_staff_user before anything else, their
# roles approved with the recovery passphrase (ADR 0013).
STAFF_USERS = [
    ("bench-verifikator-1", ["verifikator"]),
    ("bench-verifikator-2", ["verifikator"]),
    ("bench-inspektur", ["inspektur", "kustodian"]),
    ("bench-kustodian-1", ["kustodian"]),
    ("bench-kustodian-2", ["kustodian"]),
]
# Other processes using more than this many cores during a measurement make it "disturbed".
DISTURBED_CORES = 0.25


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- statistics ------------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "min_ms": round(min(ms), 1) if ms else None,
        "max_ms": round(max(ms), 1) if ms else None,
    }


# --- HTTP ------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    body: bytes
    seconds: float
    headers: list[tuple[str, str]] = field(default_factory=list)

    def json(self):
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict | None = None,
    timeout: float = 120,
) -> Response:
    """One request on a fresh connection (gunicorn's sync workers close every connection)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        start = time.perf_counter()
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - start
        return Response(response.status, data, elapsed, response.getheaders())
    finally:
        conn.close()


def multipart(
    fields: dict[str, str], files: list[tuple[str, str, str, bytes]]
) -> tuple[bytes, str]:
    """(body, content type) for multipart/form-data; files are (field, filename, type, data)."""
    boundary = "----wbs-bench-" + secrets.token_hex(12)
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, filename, content_type, data in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def totp(secret_b32: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits: django-otp's TOTPDevice defaults)."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


_CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """A cookie jar and a CSRF token over `request()`: what a browser does for the staff pages.
    Redirects are not followed (except by `staff_login`), so a test can check them; POSTs carry
    `Origin` and `Sec-Fetch-Site: same-origin` as a browser's would."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.csrf_token: str | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _headers(self, extra: dict | None = None) -> dict:
        headers = {"Accept-Language": "id"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def _keep(self, response: Response) -> Response:
        for name, value in response.headers:
            if name.lower() != "set-cookie":
                continue
            jar: SimpleCookie = SimpleCookie()
            jar.load(value)
            for key, morsel in jar.items():
                expired = morsel["max-age"] == "0" or (
                    morsel["expires"] and "1970" in morsel["expires"]
                )
                if expired or not morsel.value:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        found = _CSRF_FIELD.search(response.body)
        if found:
            self.csrf_token = found.group(1).decode()
        return response

    def get(self, path: str) -> Response:
        return self._keep(request(self.port, "GET", path, headers=self._headers()))

    def post(self, path: str, fields: dict[str, str] | None = None) -> Response:
        data = dict(fields or {})
        if self.csrf_token:
            data.setdefault("csrfmiddlewaretoken", self.csrf_token)
        body = urllib.parse.urlencode(data).encode()
        headers = self._headers(
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Sec-Fetch-Site": "same-origin",
            }
        )
        return self._keep(request(self.port, "POST", path, body=body, headers=headers))

    def follow(self, response: Response, limit: int = 5) -> Response:
        """GET the redirect chain from `response` to its end."""
        while response.status in (301, 302, 303) and limit > 0:
            location = urllib.parse.urlsplit(response.header("Location") or "/")
            response = self.get(location.path + (f"?{location.query}" if location.query else ""))
            limit -= 1
        return response


def staff_login(browser: Browser, username: str, password: str, totp_secret: str) -> Response:
    """Log in the way a person does: the log-in page, the password, the code page, the TOTP
    code; then follow the redirects to the first page. Returns that page (expects 200)."""
    page = browser.get("/staf/masuk/")
    if page.status != 200 or not browser.csrf_token:
        raise RuntimeError(f"log-in page: HTTP {page.status}")
    step = browser.post("/staf/masuk/", {"username": username, "password": password})
    if step.status != 302 or "/staf/masuk/kode/" not in (step.header("Location") or ""):
        raise RuntimeError(f"{username}: password step answered HTTP {step.status}")
    browser.follow(step)
    done = browser.post("/staf/masuk/kode/", {"token": totp(totp_secret)})
    if done.status != 302:
        raise RuntimeError(
            f"{username}: TOTP step answered HTTP {done.status}: {done.body[:300]!r}"
        )
    first = browser.follow(done)
    if first.status != 200:
        raise RuntimeError(f"{username}: first page after log-in answered HTTP {first.status}")
    return first


# --- /proc -----------------------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Field 4 (ppid) follows the command name, which is in parentheses and may hold spaces.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return sorted(found)


def memory_mib(pid: int) -> dict:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = round(int(rest.split()[0]) / 1024, 1)  # kB → MiB
    return values


def system_cpu() -> tuple[float, float]:
    """(busy, total) jiffies over all cores since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # without guest time, which is already counted in user
    return total - idle, total


def process_cpu() -> dict[int, tuple[str, float, int]]:
    """pid → (command name, CPU seconds incl. reaped children, parent pid) for every readable
    process. Children's time matters for PostgreSQL: a backend that exits is added to the
    postmaster."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        head, _sep, tail = stat.rpartition(")")
        fields = tail.split()
        ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))
        found[int(entry.name)] = (head.partition("(")[2], ticks / CLOCK_TICKS, int(fields[1]))
    return found


def idle_load(seconds: float = 2.0) -> float:
    """Cores busy over `seconds` while we do nothing: other work on the machine."""
    busy0, total0 = system_cpu()
    time.sleep(seconds)
    busy1, total1 = system_cpu()
    cores = os.cpu_count() or 1
    return round(cores * (busy1 - busy0) / max(1, total1 - total0), 2)


def wait_quiet(max_wait: float, threshold: float = 0.25, need: int = 3) -> dict:
    """Wait until other work on the machine stays under `threshold` cores for `need`
    consecutive seconds (other engineers' test runs share these cores), at most `max_wait`
    seconds. Returns how long it waited and the last load seen."""
    start = time.monotonic()
    quiet, announced, load = 0, False, 0.0
    while quiet < need:
        load = idle_load(1.0)
        quiet = quiet + 1 if load < threshold else 0
        if quiet < need and time.monotonic() - start > max_wait:
            log(f"  machine still busy ({load} cores) after {max_wait:g} s: measuring anyway")
            break
        if quiet == 0 and not announced:
            log(f"  waiting for a quiet machine ({load} cores busy by others)...")
            announced = True
    return {"waited_s": round(time.monotonic() - start, 1), "load_before": load}


class CpuMeter:
    """CPU used between start() and stop(), in cores (CPU seconds ÷ wall seconds): the whole
    machine, and split by process group (gunicorn workers, PostgreSQL, Redis, this benchmark
    client, anything else). "unattributed" is kernel time not charged to a process and
    processes that ended before they could be sampled."""

    def __init__(self, worker_pids: list[int]):
        self.worker_pids = set(worker_pids)
        self.own_pid = os.getpid()

    def _group(self, pid: int, name: str) -> str:
        if pid in self.worker_pids:
            return "gunicorn_workers"
        if pid == self.own_pid:
            return "bench_client"
        if name.startswith(("postgres", "postmaster")):
            return "postgresql"
        if name.startswith("redis"):
            return "redis"
        return "other_processes"

    def start(self) -> CpuMeter:
        self._machine = system_cpu()
        self._procs = process_cpu()
        self._t0 = time.perf_counter()
        return self

    def stop(self) -> dict:
        procs = process_cpu()
        busy1, total1 = system_cpu()
        elapsed = time.perf_counter() - self._t0
        busy = busy1 - self._machine[0]
        total = total1 - self._machine[1]
        cores = os.cpu_count() or 1
        machine_cores = cores * busy / total if total else 0.0
        groups = dict.fromkeys(
            ("gunicorn_workers", "postgresql", "redis", "bench_client", "other_processes"), 0.0
        )
        for pid, (name, seconds, _ppid) in procs.items():
            before = self._procs.get(pid)
            used = seconds - before[1] if before and before[0] == name else seconds
            groups[self._group(pid, name)] += max(0.0, used)
        # A process that ended meanwhile had its whole lifetime's CPU added to its parent's
        # (reaped children) time, which is counted above: take off what it had used before the
        # start. Without this, a PostgreSQL backend kept open across measurements
        # (DATABASE_CONN_MAX_AGE > 0) and closed during one would be counted for its lifetime.
        for pid, (name, seconds, ppid) in self._procs.items():
            if pid in procs and procs[pid][0] == name:
                continue
            parent = self._procs.get(ppid) or procs.get(ppid)
            if parent is not None:
                groups[self._group(ppid, parent[0])] -= seconds
        groups = {k: max(0.0, v) for k, v in groups.items()}
        by_group = {k: round(v / elapsed, 2) for k, v in groups.items()}
        by_group["unattributed"] = round(max(0.0, machine_cores - sum(by_group.values())), 2)
        return {
            "elapsed_s": round(elapsed, 2),
            "machine_busy_pct": round(100 * busy / total, 1) if total else None,
            "machine_busy_cores": round(machine_cores, 2),
            "cores_by_group": by_group,
            "workers_cpu_s": round(groups["gunicorn_workers"], 2),
        }


def timed(worker_pids: list[int], count: int, one) -> dict:
    """Run `one(i)` (returning a Response) `count` times in a row with the CPU meter on: latency
    summary plus CPU ms per request of the gunicorn workers and of PostgreSQL."""
    meter = CpuMeter(worker_pids).start()
    responses = [one(i) for i in range(count)]
    cpu = meter.stop()
    result = summary_ms([r.seconds for r in responses])
    busy = cpu["cores_by_group"]
    result["cpu_ms_per_request"] = {
        "gunicorn_workers": round(1000 * busy["gunicorn_workers"] * cpu["elapsed_s"] / count, 1),
        "postgresql": round(1000 * busy["postgresql"] * cpu["elapsed_s"] / count, 1),
    }
    result["other_processes_cores"] = busy["other_processes"]
    result["machine_busy_cores"] = cpu["machine_busy_cores"]
    result["response_bytes_max"] = max((len(r.body) for r in responses), default=0)
    return result


def quiet_measure(args, worker_pids, name: str, measure) -> dict:
    """Measure on a quiet machine: wait (at most args.quiet_wait s) until other processes leave
    the cores alone, measure, and measure again (up to args.retries times) if other processes
    took more than DISTURBED_CORES meanwhile. `worker_pids` is a callable (workers can be
    replaced). The kept result says how disturbed it was."""
    for attempt in range(1, args.retries + 2):
        quiet = wait_quiet(args.quiet_wait)
        result = measure()
        result["attempt"] = attempt
        result["workers_after"] = [memory_mib(pid) for pid in worker_pids()]
        result["waited_for_quiet_s"] = quiet["waited_s"]
        other = result["other_processes_cores"]
        result["disturbed"] = other > DISTURBED_CORES
        if not result["disturbed"]:
            return result
        log(f"  {name}: other processes used {other} cores meanwhile (attempt {attempt})")
    return result


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """gunicorn (sync workers) on a fresh PostgreSQL database and a temporary data directory.

    Use as a context manager; on exit gunicorn is stopped, the database dropped and the
    directory removed, whatever happened."""

    workers: int = 2
    extra_env: dict[str, str] = field(default_factory=dict)
    # (username, roles[, wilayah code]); with `totp` each also gets a confirmed TOTP device.
    staff: list[tuple] = field(default_factory=lambda: list(STAFF_USERS))
    totp: bool = False
    # HTML pages need the static files manifest (ManifestStaticFilesStorage): collectstatic.
    collectstatic: bool = False
    # Called with the server after the staff users exist and before gunicorn starts (seeding).
    prepare: Callable[[Server], None] | None = None
    db_name: str = field(default_factory=lambda: f"wbs_bench_{secrets.token_hex(4)}")
    wsgi_app: str = "config.wsgi:application"
    port: int = 0
    data_dir: Path | None = None
    process: subprocess.Popen | None = None
    env: dict[str, str] = field(default_factory=dict)
    # username → {"password": ..., "totp_secret": ... (with `totp`)}
    credentials: dict[str, dict[str, str]] = field(default_factory=dict)

    # -- set-up --

    def __enter__(self) -> Server:
        try:
            self._start()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._stop()

    def _start(self) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix="wbs-bench-"))
        self.env = self._environment()
        self._create_database()
        log(f"database {self.db_name}, data dir {self.data_dir}")
        self.manage("migrate", "--noinput", "-v0")
        self.manage("load_palembang")
        # init_vault prints the recovery passphrase (kept in memory for the staff approvals,
        # then discarded) and the trust-root fingerprint, pinned as production would.
        printed = self.manage("init_vault")
        # The lines follow the installation's language (Bahasa Indonesia by default): the
        # passphrase is the line after the heading that ends in "):", the fingerprint the
        # value after the last ": " of its line.
        self.recovery_passphrase = re.search(r"\):\s*\n\s*(\S+)", printed).group(1)
        self.env["WBS_TRUST_ROOT"] = re.search(
            r"(?:Trust root fingerprint|Sidik jari akar kepercayaan): (\S+)", printed
        ).group(1)
        if self.collectstatic:
            self.manage("collectstatic", "--noinput", "-v0")
        self._create_staff()
        if self.prepare is not None:
            self.prepare(self)
        self.port = free_port()
        self._start_gunicorn()

    def _environment(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(_APP_ENV_PREFIXES) and k not in _APP_ENV_NAMES
        }
        env.update(
            {
                "DATABASE_URL": PG_URL.format(name=self.db_name),
                "REDIS_URL": REDIS_URL,
                "SECRET_KEY": secrets.token_urlsafe(50),
                "WBS_PEPPER": secrets.token_urlsafe(48),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "WBS_HTTPS": "False",
                "WBS_DATA_DIR": str(self.data_dir),
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def _create_database(self) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.db_name)))
        self._db_created = True

    def _drop_database(self) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.db_name)
                )
            )

    def manage(self, *args: str, check: bool = True, timeout: float = 600) -> str:
        result = subprocess.run(
            [str(PYTHON), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"manage.py {args[0]} failed ({result.returncode}):\n{result.stderr[-3000:]}"
            )
        return result.stdout

    def django_shell(self, code: str) -> str:
        return self.manage("shell", "-c", code)

    def manage_live(self, *args: str, timeout: float = 7200) -> tuple[str, subprocess.Popen]:
        """Run a management command, echoing its output to stderr as it comes (progress).
        Returns (stdout, the finished process)."""
        process = subprocess.Popen(
            [str(PYTHON), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.live_pid = process.pid
        lines = []
        deadline = time.monotonic() + timeout
        try:
            for line in process.stdout:
                lines.append(line)
                log(f"  | {line.rstrip()}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"manage.py {args[0]} took more than {timeout:g} s")
            process.wait(timeout=max(1.0, deadline - time.monotonic()))
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        if process.returncode != 0:
            raise RuntimeError(
                f"manage.py {args[0]} failed ({process.returncode}):\n{''.join(lines)[-3000:]}"
            )
        return "".join(lines), process

    def sql(self, query: str, params=None, *, autocommit: bool = True) -> list[tuple]:
        """Run one statement on the benchmark database (psycopg, no Django); the rows if any."""
        import psycopg

        with psycopg.connect(PG_URL.format(name=self.db_name), autocommit=autocommit) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def _create_staff(self) -> None:
        lines = [
            "import base64, json",
            "from django_otp.plugins.otp_totp.models import TOTPDevice",
            "from wbs.accounts.services import create_staff_user",
            "from wbs.cases.roles import grant_directly_with_recovery",
            "from wbs.directory.models import Wilayah",
            "secrets = {}",
        ]
        for username, roles, *rest in self.staff:
            password = secrets.token_urlsafe(18)
            self.credentials[username] = {"password": password}
            wilayah = f"Wilayah.objects.get(code={rest[0]!r})" if rest and rest[0] else "None"
            lines.append(
                f"user = create_staff_user(username={username!r}, password={password!r}, "
                f"roles=[], wilayah={wilayah})"
            )
            # Approved as the trust root would, so that the staff receive report keys.
            lines.append(
                f"grant_directly_with_recovery({self.recovery_passphrase!r}, user, {roles!r})"
            )
            if self.totp:
                lines += [
                    'device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)',
                    f"secrets[{username!r}] = base64.b32encode(device.bin_key).decode()",
                ]
        lines.append('print("BENCH-SECRETS " + json.dumps(secrets))')
        output = self.django_shell("\n".join(lines))
        marker = next(line for line in output.splitlines() if line.startswith("BENCH-SECRETS "))
        for username, secret in json.loads(marker.split(" ", 1)[1]).items():
            self.credentials[username]["totp_secret"] = secret

    def reset_totp_counter(self, username: str) -> None:
        """A TOTP code is accepted once (django-otp keeps the last time step used); forget it so
        the same user can log in again within the same 30 s."""
        self.sql(
            "UPDATE otp_totp_totpdevice SET last_t = -1 WHERE user_id = "
            "(SELECT id FROM accounts_user WHERE username = %s)",
            (username,),
        )

    def settings_values(self, *names: str) -> dict:
        code = (
            "import json; from django.conf import settings; "
            f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
        )
        return json.loads(self.django_shell(code).strip().splitlines()[-1])

    def _start_gunicorn(self) -> None:
        self.log_path = self.data_dir / "gunicorn.log"
        self._log_file = open(self.log_path, "wb")  # noqa: SIM115 - closed in _stop()
        # No --access-logfile: gunicorn then writes no access log (no client addresses).
        command = [
            str(GUNICORN),
            self.wsgi_app,
            "-w",
            str(self.workers),
            "-b",
            f"127.0.0.1:{self.port}",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self._log_file, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log_tail()}")
            try:
                if (
                    request(self.port, "GET", "/api/v1/health", timeout=5).status == 200
                    and len(self.worker_pids()) == self.workers
                ):
                    log(f"gunicorn up on 127.0.0.1:{self.port}, workers {self.worker_pids()}")
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not become ready:\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        return children_of(self.process.pid) if self.process else []

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except (OSError, AttributeError):
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except (OSError, AttributeError):
            return ""

    # -- tear-down --

    def _stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if getattr(self, "_log_file", None) is not None:
            self._log_file.close()
        if getattr(self, "_db_created", False):
            try:
                self._drop_database()
                log(f"dropped database {self.db_name}")
            except Exception as exc:  # report, keep cleaning up
                log(f"could not drop database {self.db_name}: {exc}")
        if self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)


@dataclass
class FloorServer(Server):
    """bench/floor/floor_app.py under the same gunicorn settings, on its own fresh PostgreSQL
    database, the same Redis and a temporary data directory (issue 10 §2)."""

    wsgi_app: str = "floor_app:application"
    db_name: str = field(default_factory=lambda: f"wbs_floor_{secrets.token_hex(4)}")

    def _start(self) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix="wbs-floor-"))
        self.env = self._environment()
        self.env["PYTHONPATH"] = str(ROOT / "bench" / "floor")
        self._create_database()
        self.sql(
            "CREATE TABLE floor_submission (id bigserial PRIMARY KEY, code varchar(32) UNIQUE "
            "NOT NULL, fields jsonb NOT NULL, bytes bigint NOT NULL)"
        )
        log(f"floor: database {self.db_name}, data dir {self.data_dir}")
        self.port = free_port()
        self._start_gunicorn()
