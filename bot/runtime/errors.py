"""Lex V2 runtime errors: the exception shapes the real service answers with.

Raised anywhere in the runtime, mapped once at the HTTP edge to
``x-amzn-ErrorType: <code>`` + ``{"message": ...}`` with the status below, so
botocore raises the same ``ClientError`` codes it would against Lex.
"""

from __future__ import annotations

from bot.errors import MeetyError


class LexRuntimeError(MeetyError):
    code = "InternalServerException"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationException(LexRuntimeError):
    code, status = "ValidationException", 400


class AccessDeniedException(LexRuntimeError):
    code, status = "AccessDeniedException", 403


class ResourceNotFoundException(LexRuntimeError):
    code, status = "ResourceNotFoundException", 404


class ConflictException(LexRuntimeError):
    code, status = "ConflictException", 409


class DependencyFailedException(LexRuntimeError):
    """The code hook raised, timed out or answered something Lex would not accept."""

    code, status = "DependencyFailedException", 424


class ThrottlingException(LexRuntimeError):
    code, status = "ThrottlingException", 429


class InternalServerException(LexRuntimeError):
    code, status = "InternalServerException", 500
