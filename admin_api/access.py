"""Who is calling: the verified JWT claims API Gateway hands the Lambda, and what each role may do.

In AWS the HTTP API's JWT authorizer verifies Cognito's token before the Lambda runs and passes its
claims in ``requestContext.authorizer.jwt.claims``; locally ``meety serve``'s gateway does the same with
the local signing key. Either way this module only reads claims a trusted authorizer put there, and
refuses when there are none (an API deployed without its authorizer must not be open).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fulfillment.identity import GROUPS_CLAIM

READERS = frozenset({"admin", "viewer"})
DECIDERS = frozenset({"admin"})


class Unauthenticated(Exception):
    """No verified identity (HTTP 401)."""


class Forbidden(Exception):
    """A verified identity without the role this needs (HTTP 403)."""


@dataclass(frozen=True)
class Caller:
    name: str
    roles: frozenset[str]


def groups_of(claims: Mapping[str, object]) -> frozenset[str]:
    """Cognito groups as a set: a JSON list, or the ``"[admin viewer]"`` string API Gateway passes."""
    value = claims.get(GROUPS_CLAIM)
    if isinstance(value, list):
        return frozenset(str(v) for v in value)
    if isinstance(value, str):
        return frozenset(part for part in value.strip("[]").replace(",", " ").split() if part)
    return frozenset()


def caller_of(claims: Mapping[str, object] | None) -> Caller:
    if not claims or not isinstance(claims.get("sub"), str):
        raise Unauthenticated("no verified identity")
    name = claims.get("username") or claims.get("cognito:username") or claims["sub"]
    return Caller(name=str(name), roles=groups_of(claims))


def require(claims: Mapping[str, object] | None, allowed: frozenset[str]) -> Caller:
    caller = caller_of(claims)
    if not caller.roles & allowed:
        raise Forbidden(f"this needs one of the roles: {', '.join(sorted(allowed))}")
    return caller
