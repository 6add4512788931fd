"""A load balancer asks /healthz (is the process up) and /readyz (may it take traffic:
database, migrations, file storage), by the node's address, over plain HTTP, without a
log-in; /readyz says why not with a 503."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_by_the_nodes_address_without_the_database() -> None:
    # No database access is allowed here: the test would fail if /healthz asked it.
    response = Client().get("/healthz", HTTP_HOST="10.0.3.7")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_answers_when_database_migrations_and_storage_are_there(tmp_path: Path) -> None:
    with override_settings(MEDIA_ROOT=tmp_path):
        response = Client().get("/readyz", HTTP_HOST="10.0.3.7")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ok"
    assert not any(tmp_path.rglob("*.probe")), "the probe file is removed again"


@pytest.mark.django_db
def test_readyz_refuses_while_a_migration_is_not_applied() -> None:
    latest = MigrationRecorder.Migration.objects.filter(app="org").order_by("-id").first()
    assert latest is not None
    latest.delete()  # as if the new release's migration had not been run yet
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": f"1 migration(s) not applied, first org.{latest.name}",
    }


@pytest.mark.django_db
def test_readyz_refuses_when_the_file_storage_takes_no_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    with override_settings(MEDIA_ROOT=blocker / "media"):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["reason"].startswith("file storage unreachable")


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["parindex.example.vn"])
def test_the_probes_are_neither_redirected_to_https_nor_refused_for_their_host() -> None:
    assert Client().get("/healthz", HTTP_HOST="10.0.3.7").status_code == 200
    # Any other page is sent to HTTPS, or refused for an unknown host.
    assert Client().get("/results/", HTTP_HOST="parindex.example.vn").status_code == 301
    assert Client().get("/results/", HTTP_HOST="10.0.3.7").status_code == 400


def test_readyz_refuses_when_the_database_does_not_answer() -> None:
    """A real server that is not there: a PostgreSQL address where nothing listens."""
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://parindex@127.0.0.1:9/parindex",
        "DJANGO_SETTINGS_MODULE": "parindex.settings",
    }
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "response = Client().get('/readyz')\n"
        "print(response.status_code, response.content.decode())\n"
    )
    done = subprocess.run(  # noqa: S603 - the test's own interpreter and script
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()
    status, body = done.stdout.decode().strip().split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {
        "status": "unavailable",
        "reason": "database unreachable (OperationalError)",
    }
