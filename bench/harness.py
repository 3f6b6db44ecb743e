"""Shared machinery for the benchmarks: a production-like server (gunicorn on PostgreSQL and
Redis, in a fresh database and a temporary data directory) plus small HTTP and statistics
helpers. Standard library only, apart from psycopg (already a dependency of the app).

Nothing here touches the application code: the server is started exactly as in production,
only configured through its environment.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
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

STAFF_USERS = [
    ("bench-verifikator-1", ["verifikator"]),
    ("bench-verifikator-2", ["verifikator"]),
    ("bench-inspektur", ["inspektur"]),
]


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

    def json(self):
        return json.loads(self.body)


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
        return Response(response.status, data, elapsed)
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


def process_cpu() -> dict[int, tuple[str, float]]:
    """pid → (command name, CPU seconds incl. reaped children) for every readable process.
    Children's time matters for PostgreSQL: a backend that exits is added to the postmaster."""
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
        found[int(entry.name)] = (head.partition("(")[2], ticks / CLOCK_TICKS)
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
        for pid, (name, seconds) in procs.items():
            before = self._procs.get(pid)
            used = seconds - before[1] if before and before[0] == name else seconds
            groups[self._group(pid, name)] += max(0.0, used)
        by_group = {k: round(v / elapsed, 2) for k, v in groups.items()}
        by_group["unattributed"] = round(max(0.0, machine_cores - sum(by_group.values())), 2)
        return {
            "elapsed_s": round(elapsed, 2),
            "machine_busy_pct": round(100 * busy / total, 1) if total else None,
            "machine_busy_cores": round(machine_cores, 2),
            "cores_by_group": by_group,
            "workers_cpu_s": round(groups["gunicorn_workers"], 2),
        }


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
    db_name: str = field(default_factory=lambda: f"wbs_bench_{secrets.token_hex(4)}")
    port: int = 0
    data_dir: Path | None = None
    process: subprocess.Popen | None = None
    env: dict[str, str] = field(default_factory=dict)

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
        self.manage("init_vault")  # prints the recovery passphrase: captured and discarded
        self._create_staff()
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

    def manage(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(
            [str(PYTHON), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"manage.py {args[0]} failed ({result.returncode}):\n{result.stderr[-3000:]}"
            )
        return result.stdout

    def django_shell(self, code: str) -> str:
        return self.manage("shell", "-c", code)

    def _create_staff(self) -> None:
        lines = ["from wbs.accounts.services import create_staff_user"]
        for username, roles in STAFF_USERS:
            password = secrets.token_urlsafe(18)
            lines.append(
                f"create_staff_user(username={username!r}, password={password!r}, roles={roles!r})"
            )
        self.django_shell("\n".join(lines))

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
            "config.wsgi:application",
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
