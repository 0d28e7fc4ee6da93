"""The admin HTTP API: API Gateway HTTP API -> the admin Lambda, behind Cognito's JWT authorizer.

Routes mirror ``meety serve`` (``admin_api/local_gateway.py``): everything lives under ``/admin/api``, the
prefix the Lambda's resolver strips (``strip_prefixes``), so the same event reaches the same handler in
both worlds. ``GET /admin/api/health`` and ``GET /admin/api/openapi.json`` are public (as locally); any
other path under the prefix needs a valid ID token from this stack's user pool, issued to the portal's app
client (the authorizer checks signature, expiry, issuer and audience; the Lambda then checks the group).
Paths outside the prefix match no route (404 from API Gateway, the Lambda never runs).

The browser reaches the API through CloudFront, on the portal's own origin (``template_web`` routes
``/admin/api/*`` to this API without caching), exactly as ``meety serve`` serves both from one origin.
So there is no CORS configuration at all (no cross-origin browser access) and the pages' CSP needs only
``connect-src 'self'`` for it. (The alternative, CORS for the distribution's origin plus the API's host in
the CSP, is a dependency cycle: API -> distribution -> headers policy -> API.)

The ``$default`` stage deploys automatically, is throttled for a handful of staff and logs every request
(JSON, no headers, so no tokens) to a log group kept 30 days. Nothing here costs anything while idle.
"""

from __future__ import annotations

import json

from bot.deploy import names
from bot.deploy.config import TemplateContext
from bot.deploy.template import Fragment, Json

PREFIX = "/admin/api"
"""Where the routes hang off, as in ``admin_api.routes.PREFIX`` and the portal's ``apiBase``."""
PUBLIC_ROUTES = (f"GET {PREFIX}/health", f"GET {PREFIX}/openapi.json")
PROTECTED_ROUTE = f"ANY {PREFIX}/{{proxy+}}"

# logical ids private to this fragment (nothing else references them)
ROUTE_HEALTH = "AdminApiHealthRoute"
ROUTE_OPENAPI = "AdminApiOpenApiRoute"
ROUTE_PROXY = "AdminApiProxyRoute"
ACCESS_LOGS = "AdminHttpApiAccessLogGroup"

THROTTLE_BURST = 20
THROTTLE_RATE = 10.0
"""Requests per second for the whole API: a few staff with a portal that refreshes every 30 s."""
LOG_RETENTION_DAYS = 30
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "time": "$context.requestTime",
        "ip": "$context.identity.sourceIp",
        "userAgent": "$context.identity.userAgent",
        "method": "$context.httpMethod",
        "path": "$context.path",
        "routeKey": "$context.routeKey",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "latencyMs": "$context.responseLatency",
        "integrationStatus": "$context.integrationStatus",
        "integrationLatencyMs": "$context.integrationLatency",
        "integrationError": "$context.integrationErrorMessage",
        "authorizerError": "$context.authorizer.error",
        "sub": "$context.authorizer.claims.sub",
    },
    separators=(",", ":"),
)


def _ref(logical_id: str) -> Json:
    return {"Ref": logical_id}


def http_api() -> Json:
    return {
        "Type": "AWS::ApiGatewayV2::Api",
        "Properties": {
            "Name": {"Fn::Sub": "${AWS::StackName}-admin"},
            "ProtocolType": "HTTP",
            "Description": "Meety admin API: review and decide requests (Cognito JWT; admins decide).",
        },
    }


def authorizer() -> Json:
    return {
        "Type": "AWS::ApiGatewayV2::Authorizer",
        "Properties": {
            "ApiId": _ref(names.HTTP_API),
            "Name": "CognitoIdToken",
            "AuthorizerType": "JWT",
            "IdentitySource": ["$request.header.Authorization"],
            "JwtConfiguration": {
                "Issuer": {
                    "Fn::Sub": f"https://cognito-idp.${{AWS::Region}}.amazonaws.com/${{{names.USER_POOL}}}"
                },
                # ID tokens carry the app client id in ``aud`` (and ``cognito:groups``, read by the Lambda)
                "Audience": [_ref(names.USER_POOL_CLIENT)],
            },
        },
    }


def integration(function: str = names.ADMIN_FUNCTION) -> Json:
    """A Lambda proxy integration (payload 2.0) of the function with logical id ``function``."""
    return {
        "Type": "AWS::ApiGatewayV2::Integration",
        "Properties": {
            "ApiId": _ref(names.HTTP_API),
            "IntegrationType": "AWS_PROXY",
            "IntegrationUri": {"Fn::GetAtt": [function, "Arn"]},
            "PayloadFormatVersion": "2.0",
            "TimeoutInMillis": 29000,
        },
    }


def route(route_key: str, *, protected: bool, target: str = names.HTTP_API_INTEGRATION) -> Json:
    """``route_key`` -> the integration ``target``; ``protected``: behind the JWT authorizer."""
    auth: Json = (
        {"AuthorizationType": "JWT", "AuthorizerId": _ref(names.HTTP_API_AUTHORIZER)}
        if protected
        else {"AuthorizationType": "NONE"}
    )
    return {
        "Type": "AWS::ApiGatewayV2::Route",
        "Properties": {
            "ApiId": _ref(names.HTTP_API),
            "RouteKey": route_key,
            "Target": {"Fn::Sub": f"integrations/${{{target}}}"},
            **auth,
        },
    }


def access_logs() -> Json:
    return {
        "Type": "AWS::Logs::LogGroup",
        "DeletionPolicy": "Delete",
        "UpdateReplacePolicy": "Delete",
        "Properties": {"RetentionInDays": LOG_RETENTION_DAYS},
    }


def stage() -> Json:
    return {
        "Type": "AWS::ApiGatewayV2::Stage",
        "Properties": {
            "ApiId": _ref(names.HTTP_API),
            "StageName": "$default",
            "AutoDeploy": True,
            "DefaultRouteSettings": {
                "ThrottlingBurstLimit": THROTTLE_BURST,
                "ThrottlingRateLimit": THROTTLE_RATE,
                "DetailedMetricsEnabled": False,
            },
            "AccessLogSettings": {
                "DestinationArn": {"Fn::GetAtt": [ACCESS_LOGS, "Arn"]},
                "Format": ACCESS_LOG_FORMAT,
            },
        },
    }


def invoke_permission(function: str = names.ADMIN_FUNCTION, prefix: str = PREFIX) -> Json:
    """This API may invoke ``function``: any stage and method, only paths under ``prefix``."""
    return {
        "Type": "AWS::Lambda::Permission",
        "Properties": {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": [function, "Arn"]},
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": {
                "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
                f"${{{names.HTTP_API}}}/*/*{prefix}/*"
            },
        },
    }


def fragment(ctx: TemplateContext) -> Fragment:
    """The HTTP API, its JWT authorizer, routes, Lambda integration, stage, access logs and permission."""
    del ctx  # nothing here depends on the operator's choices
    resources: Json = {
        names.HTTP_API: http_api(),
        names.HTTP_API_AUTHORIZER: authorizer(),
        names.HTTP_API_INTEGRATION: integration(),
        ROUTE_HEALTH: route(PUBLIC_ROUTES[0], protected=False),
        ROUTE_OPENAPI: route(PUBLIC_ROUTES[1], protected=False),
        ROUTE_PROXY: route(PROTECTED_ROUTE, protected=True),
        ACCESS_LOGS: access_logs(),
        names.HTTP_API_STAGE: stage(),
        names.HTTP_API_PERMISSION: invoke_permission(),
    }
    outputs: Json = {
        names.OUT_ADMIN_API_URL: {
            "Description": "The portal's apiBase: the admin API on the web client's own origin",
            "Value": {"Fn::Sub": f"https://${{{names.WEB_DISTRIBUTION}.DomainName}}{PREFIX}"},
        }
    }
    return {"Resources": resources, "Outputs": outputs}
