"""Logging, configured once: readable text by default, one JSON object a line with
FORUM_LOG_FORMAT=json. Request lines carry the request id; never a password or a body."""

from __future__ import annotations

import json
import logging
import logging.config
from datetime import UTC, datetime
from typing import Any

from forum.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# What a request line adds to the log record (logging's `extra`), in this order.
REQUEST_FIELDS = ("request_id", "method", "route", "status", "duration_ms", "user_id")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, and a request's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def config(settings: Settings) -> dict[str, Any]:
    """A logging.config.dictConfig for Agora and uvicorn (each worker process applies it)."""
    if settings.log_format == "json":
        formatter: dict[str, Any] = {"()": f"{__name__}.JsonFormatter"}
    else:
        formatter = {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"agora": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "agora",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
        "loggers": {
            "forum": {"level": "INFO"},
            # uvicorn's own handlers go: its lines pass through ours, in the same format.
            "uvicorn": {"level": "INFO", "handlers": [], "propagate": True},
            "uvicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            "uvicorn.access": {"level": "WARNING", "handlers": [], "propagate": True},
        },
    }


def configure(settings: Settings) -> None:
    logging.config.dictConfig(config(settings))


def configure_unless_done(settings: Settings) -> None:
    """For an app started by another server: configure logging if nobody has (a test run or
    `forum serve` already has, and keeps its own handlers)."""
    if not logging.getLogger().handlers:
        configure(settings)
