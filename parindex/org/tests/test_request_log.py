"""One log line per request with who asked and how it went, JSON in production, and
never a password, a token or what a form carried."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from parindex.conftest import PASSWORD, Cast
from parindex.org.logs import JsonFormatter, PlainFormatter


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records]


def test_a_signed_in_request_is_one_json_line_with_role_unit_and_status(
    cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    client = cast.client(cast.scorer_a)
    with caplog.at_level(logging.INFO, logger="parindex.requests"):
        response = client.get("/units/?q=t%C6%B0+ph%C3%A1p&page=1")
    assert response.status_code == 200
    (line,) = [entry for entry in _lines(caplog) if entry["logger"] == "parindex.requests"]
    assert line["method"] == "GET" and line["path"] == "/units/" and line["status"] == 200
    assert line["query_keys"] == ["page", "q"] and "tư pháp" not in json.dumps(line)
    assert line["user_id"] == cast.scorer_a.pk and line["role"] == cast.scorer_a.role
    assert line["unit"] == "so-tu-phap"
    assert isinstance(line["duration_ms"], float)
    assert line["request_id"] == response["X-Request-ID"] and len(line["request_id"]) == 32


def test_a_log_in_is_logged_without_its_password(
    cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="parindex.requests"):
        Client().post(reverse("login"), {"username": "head_a", "password": PASSWORD})
        Client().post(reverse("login"), {"username": "head_a", "password": "sai-mật-khẩu-99"})
    written = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert '"path": "/accounts/login/"' in written
    assert PASSWORD not in written and "sai-mật-khẩu-99" not in written


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


def test_the_proxys_request_id_is_kept_and_carried_by_every_line_meanwhile(cast: Cast) -> None:
    client = cast.client(cast.viewer)
    collect = _Collect()
    parindex_logger = logging.getLogger("parindex")
    loggers = [parindex_logger, logging.getLogger("parindex.requests")]
    security_logger = logging.getLogger("parindex.security")
    levels = [(logger, logger.level) for logger in [*loggers, security_logger]]
    for logger, _level in levels:
        logger.setLevel(logging.INFO)
    for logger in loggers:
        logger.addHandler(collect)
    try:
        response = client.get("/manage/", HTTP_X_REQUEST_ID="nginx-7f3a")
    finally:
        for logger in loggers:
            logger.removeHandler(collect)
        for logger, level in levels:
            logger.setLevel(level)
    assert response.status_code == 403 and response["X-Request-ID"] == "nginx-7f3a"
    assert {entry["logger"] for entry in collect.lines} >= {
        "parindex.requests",
        "parindex.security",
    }
    assert all(entry["request_id"] == "nginx-7f3a" for entry in collect.lines)


def test_every_extra_field_is_written_and_secret_ones_hidden() -> None:
    record = logging.LogRecord("parindex.jobs", logging.INFO, "x.py", 1, "job %s", ("42",), None)
    record.__dict__.update(
        job_id=42, step="aggregate", done=3, total=10, token="s3cr3t", answers=["Rất hài lòng"]
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "job 42" and entry["logger"] == "parindex.jobs"
    assert (entry["job_id"], entry["step"], entry["done"], entry["total"]) == (
        42,
        "aggregate",
        3,
        10,
    )
    assert entry["token"] == "[hidden]" and entry["answers"] == "[hidden]"
    plain = PlainFormatter().format(record)
    assert 'job_id=42 step="aggregate" done=3 total=10' in plain and "s3cr3t" not in plain


def test_a_hostile_query_string_is_logged_by_its_size_not_read(
    cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    query = "&".join(f"f{n}=1" for n in range(2000))  # over DATA_UPLOAD_MAX_NUMBER_FIELDS
    with caplog.at_level(logging.INFO, logger="parindex.requests"):
        response = Client().get(f"/results/?{query}")
    assert response.status_code in (200, 400)
    (line,) = [entry for entry in _lines(caplog) if entry["logger"] == "parindex.requests"]
    assert line["query_keys"] == ["…"] and line["status"] == response.status_code
