"""Issue 11 §1: the demo server (`make demo` → `./wbs-demo serve_demo`) names neither its
server software nor the Python version in any answer: Django's answers, static files, and the
server's own answer to a malformed request."""

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            part = sock.recv(65536)
            if not part:
                break
            data += part
    return data.split(b"\r\n\r\n", 1)[0]


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("WBS_", "DJANGO_", "DATABASE_"))
    }
    env["WBS_DATA_DIR"] = str(tmp_path)
    demo = str(BASE / "wbs-demo")
    subprocess.run([demo, "migrate", "-v0", "--noinput"], env=env, check=True, timeout=120)
    process = subprocess.Popen(
        [demo, "serve_demo", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("the demo server did not start")
    yield port
    process.terminate()
    process.wait(timeout=30)


def test_no_answer_names_the_server_or_python(server):
    answers = {
        "bad host": _raw(server, b"GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n"),
        "page": _raw(server, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
        "static": _raw(server, b"GET /static/wbs/idle.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
        # A header line past the server's limit: answered by the request handler itself.
        "malformed": _raw(server, b"GET / HTTP/1.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n"),
    }
    assert answers["bad host"].startswith(b"HTTP/1.1 400")
    assert answers["page"].startswith(b"HTTP/1.1 200")
    assert answers["static"].startswith(b"HTTP/1.1 200")
    assert answers["malformed"].startswith(b"HTTP/1.1 431")
    for what, head in answers.items():
        lowered = head.lower()
        assert b"wsgiserver" not in lowered and b"cpython" not in lowered, (what, head)
        assert b"python" not in lowered, what
