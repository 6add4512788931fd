"""The log's formats: one JSON object per line (LOG_FORMAT=json) or plain text, each with
every `extra` field a caller passed (a task's id and step, a request's status), and the
id of the request being served.

Fields named like a secret (password, token, a form's body, a survey's answers) are
written as "[hidden]", whatever logged them; a request object is written as its method
and path, without the query string. No Django import at module level: gunicorn's own
log (gunicorn.conf.py) uses these formatters before Django is set up.
"""

from __future__ import annotations

import datetime
import json
import logging
from contextvars import ContextVar
from typing import Any

# The request being served (its id), set by RequestLogMiddleware, added to every line.
request_context: ContextVar[dict[str, Any] | None] = ContextVar(
    "parindex_request_context", default=None
)

# What every LogRecord carries; anything else on a record came through `extra`.
STANDARD_ATTRIBUTES = frozenset(
    set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}
)
SECRET_MARKERS = (
    "password",
    "passwd",
    "secret",
    "token",
    "authorization",
    "cookie",
    "csrf",
    "session",
    "body",
    "post",
    "answer",
    "response_text",
)
HIDDEN = "[hidden]"


def is_secret(name: str) -> bool:
    lowered = name.lower()
    return any(marker in lowered for marker in SECRET_MARKERS)


def _plain_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain_value(item) for item in value]
    if isinstance(value, dict):
        return {str(k): HIDDEN if is_secret(str(k)) else _plain_value(v) for k, v in value.items()}
    if hasattr(value, "method") and hasattr(value, "path"):  # an HttpRequest
        return f"{value.method} {value.path}"
    return str(value)


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The record's `extra` fields and the current request's id, secrets hidden."""
    fields: dict[str, Any] = dict(request_context.get() or {})
    for name, value in vars(record).items():
        if name in STANDARD_ATTRIBUTES or name.startswith("_"):
            continue
        fields[name] = HIDDEN if is_secret(name) else _plain_value(value)
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, then the fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in extra_fields(record).items():
            entry.setdefault(name, value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """`time level logger message key=value …` for a person reading a console."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        # Empty fields (an anonymous visitor's user and role) left out, for the eye.
        fields = {k: v for k, v in extra_fields(record).items() if v not in (None, [], "")}
        if not fields:
            return line
        first, newline, rest = line.partition("\n")  # a traceback stays below
        pairs = " ".join(
            f"{name}={json.dumps(value, ensure_ascii=False)}" for name, value in fields.items()
        )
        return f"{first} {pairs}{newline}{rest}"
