"""Logging: a client's error is one line, a server's error keeps its traceback."""

from __future__ import annotations

import logging


class ClientErrorsOneLine(logging.Filter):
    """Drop the traceback of a record about a 4xx response.

    Django logs every refused page (PermissionDenied, Http404, a bad host) with the
    exception attached, which prints some thirty lines for an ordinary refusal and buries
    the real errors. The record itself stays: who was refused what is worth one line.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
