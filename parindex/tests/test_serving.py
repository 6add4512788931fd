"""The production stack for real: gunicorn with deploy/gunicorn.conf.py and production
settings on loopback, static files collected and served by whitenoise (hashed names,
compressed), the probes answering by address, one JSON log line per request."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_gunicorn_serves_the_production_stack(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        PARINDEX_ENV="production",
        SECRET_KEY="serving-test-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        SECURE_SSL_REDIRECT="0",
        PORT=str(port),
        WEB_CONCURRENCY="2",
        LOG_FORMAT="json",
    )
    for command in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        done = subprocess.run(  # noqa: S603 - the test's own interpreter and manage.py
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr.decode()
    log = (tmp_path / "gunicorn.log").open("w+b")
    server = subprocess.Popen(  # noqa: S603 - gunicorn of the test's own virtualenv
        [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "parindex.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                status, _headers, _body = _get(f"{base}/healthz", Host="10.0.3.7")
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200
        status, _headers, body = _get(f"{base}/readyz", Host="10.0.3.7")
        assert (status, json.loads(body)["status"]) == (200, "ok")
        status, headers, body = _get(f"{base}/results/")
        assert status == 200 and "default-src 'self'" in headers["Content-Security-Policy"]
        css = next(part for part in body.decode().split('"') if "/static/css/site." in part)
        assert css != "/static/css/site.css", "a hashed name"
        status, headers, _body = _get(f"{base}{css}", **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert "immutable" in headers["Cache-Control"]
        assert _get(f"{base}/results/", Host="evil.example")[0] == 400
    finally:
        server.terminate()
        server.wait(timeout=30)
    log.seek(0)
    lines = [json.loads(line) for line in log.read().decode().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "parindex.requests"]
    # The probes are not logged; the pages and files are, a refused host too.
    assert [(line["path"], line["status"]) for line in requests] == [
        ("/results/", 200),
        (css, 200),
        ("/results/", 400),
    ]
    assert any(line["logger"] == "gunicorn.error" for line in lines), "gunicorn's own, as JSON"
