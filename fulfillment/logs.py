"""Structured logs for our Lambdas: Powertools' JSON lines, with e-mail addresses never written out."""

from __future__ import annotations

import logging
import re

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")


def mask_emails(value: str) -> str:
    return EMAIL.sub("***@***", value)


class EmailMaskingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON lines with every e-mail address masked: in the message, extras and tracebacks.

    Masking the finished line (rather than fields before formatting) also covers what a filter cannot
    reach, such as an exception message quoting the address a user typed.
    """

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        return mask_emails(line) if "@" in line else line


def masked_logger(service: str) -> Logger:
    return Logger(service=service, logger_formatter=EmailMaskingFormatter())
