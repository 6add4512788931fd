"""The console backends, the default, write each message on the server's console."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from parindex.notify.services import message_enqueue, outbox_send

ROOT = Path(__file__).resolve().parents[3]


def test_the_servers_console_shows_each_message_as_a_block() -> None:
    """With the project's own settings, as runserver and send_outbox run them."""
    script = (
        "import django; django.setup()\n"
        "from parindex.notify.backends import ConsoleBackend\n"
        "ConsoleBackend().send(recipient='so-tu-phap@demo.parindex.invalid',"
        " subject='Kết quả thẩm định lần 1', body='Chỉ số tạm tính: 80,12%.')\n"
        "ConsoleBackend().send(recipient='0912345678', subject='', body='CCHC 2024: 80,12%')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "parindex.settings", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(  # noqa: S603 - the test's own interpreter and script
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()
    console = done.stderr.decode()
    assert console.count("nothing leaves the machine") == 2
    first, second = console.split("nothing leaves the machine")[1:]
    assert "To:      so-tu-phap@demo.parindex.invalid" in first
    assert "Subject: Kết quả thẩm định lần 1" in first and "Chỉ số tạm tính: 80,12%." in first
    assert "To:      0912345678" in second and "CCHC 2024: 80,12%" in second
    assert "Subject" not in second


@pytest.mark.django_db
def test_sending_the_outbox_writes_one_block_per_message(caplog: pytest.LogCaptureFixture) -> None:
    for n in range(3):
        message_enqueue(
            event_key=f"e{n}", channel="email", recipient=f"don-vi-{n}@x.invalid", body=f"Thư {n}"
        )
    with caplog.at_level("INFO", logger="parindex.notify"):
        assert outbox_send().sent == 3
    blocks = [r.getMessage() for r in caplog.records if r.name == "parindex.notify"]
    assert len(blocks) == 3
    assert all(f"don-vi-{n}@x.invalid" in blocks[n] and f"Thư {n}" in blocks[n] for n in range(3))
