"""The admin HTTP API fragment (template_api), and the edge fragments as a whole.

GIVEN the auth, API and web fragments merged with a stub of what the core and Lex fragments provide (the
admin Lambda, the bot and its alias), THEN cfn-lint accepts the template (and would catch a cycle through
the API), a JWT from this pool and client guards every non-public route, the stage throttles and logs
without headers, and the output is deterministic.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from admin_api import local_gateway, routes
from bot.deploy import names, template_api, template_auth, template_web
from bot.deploy.template import Json
from bot.model import Bot
from tests.deploy_template_support import edge, lint, of_type, props
from tests.deploy_template_support import edge_bot as edge_bot
from tests.deploy_template_support import edge_context as context
from tests.deploy_template_support import edge_template as edge_template

# --- cfn-lint --------------------------------------------------------------------------------------


def test_cfn_lint_accepts_the_fragments_with_the_stub(template: Json, tmp_path: Path) -> None:
    matches = lint(template, tmp_path)
    assert matches == [], "cfn-lint reported:\n" + "\n".join(matches)


def test_cfn_lint_would_catch_a_cycle(template: Json, tmp_path: Path) -> None:
    """Negative control: CORS for the distribution on the API would close API -> CDN -> headers -> API."""
    broken = copy.deepcopy(template)
    origin = {"Fn::Sub": "https://${WebDistribution.DomainName}"}
    props(broken, names.HTTP_API)["CorsConfiguration"] = {"AllowOrigins": [origin]}
    csp = props(broken, names.WEB_HEADERS)["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp["ContentSecurityPolicy"]["ContentSecurityPolicy"] = {
        "Fn::Sub": "connect-src ${AdminHttpApi.ApiEndpoint}"
    }
    props(broken, names.WEB_DISTRIBUTION)["DistributionConfig"]["Origins"].pop()  # keep only the new path
    props(broken, names.WEB_DISTRIBUTION)["DistributionConfig"]["CacheBehaviors"] = []
    assert any(m.startswith("E3004") for m in lint(broken, tmp_path))


# --- admin API ---------------------------------------------------------------------------------------


def test_jwt_authorizer_trusts_only_this_pool_and_client(template: Json) -> None:
    authorizer = props(template, names.HTTP_API_AUTHORIZER)
    assert authorizer["AuthorizerType"] == "JWT"
    assert authorizer["IdentitySource"] == ["$request.header.Authorization"]
    assert authorizer["JwtConfiguration"] == {
        "Issuer": {"Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}"},
        "Audience": [{"Ref": names.USER_POOL_CLIENT}],
    }


def test_only_health_and_openapi_are_public(template: Json) -> None:
    by_key = {
        r["Properties"]["RouteKey"]: r["Properties"]
        for r in of_type(template, "AWS::ApiGatewayV2::Route").values()
    }
    assert set(by_key) == {"GET /admin/api/health", "GET /admin/api/openapi.json", "ANY /admin/api/{proxy+}"}
    public = {k for k, p in by_key.items() if p["AuthorizationType"] == "NONE"}
    assert public == {"GET /admin/api/health", "GET /admin/api/openapi.json"}
    assert by_key["ANY /admin/api/{proxy+}"]["AuthorizationType"] == "JWT"
    assert by_key["ANY /admin/api/{proxy+}"]["AuthorizerId"] == {"Ref": names.HTTP_API_AUTHORIZER}
    assert all(p["Target"] == {"Fn::Sub": "integrations/${AdminApiIntegration}"} for p in by_key.values())
    # the same prefix and public paths as the Lambda's resolver and the local gateway
    assert routes.PREFIX == local_gateway.PREFIX == template_api.PREFIX
    assert {f"{k.split()[1]}" for k in public} <= local_gateway.PUBLIC
    integration = props(template, names.HTTP_API_INTEGRATION)
    assert (integration["IntegrationType"], integration["PayloadFormatVersion"]) == ("AWS_PROXY", "2.0")
    assert integration["IntegrationUri"] == {"Fn::GetAtt": [names.ADMIN_FUNCTION, "Arn"]}


def test_stage_permission_and_output(template: Json) -> None:
    api = props(template, names.HTTP_API)
    assert api["ProtocolType"] == "HTTP"
    assert "CorsConfiguration" not in api  # same origin through CloudFront: no cross-origin access at all
    stage = props(template, names.HTTP_API_STAGE)
    assert (stage["StageName"], stage["AutoDeploy"]) == ("$default", True)
    assert 0 < stage["DefaultRouteSettings"]["ThrottlingRateLimit"] <= 50
    assert 0 < stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] <= 100
    log_group = stage["AccessLogSettings"]["DestinationArn"]["Fn::GetAtt"][0]
    assert props(template, log_group)["RetentionInDays"] == 30
    fields = json.loads(stage["AccessLogSettings"]["Format"])
    assert fields["requestId"] == "$context.requestId"
    assert not any("header" in v.lower() for v in fields.values())  # no Authorization in the logs
    permission = props(template, names.HTTP_API_PERMISSION)
    assert permission["Principal"] == "apigateway.amazonaws.com"
    assert permission["FunctionName"] == {"Fn::GetAtt": [names.ADMIN_FUNCTION, "Arn"]}
    assert permission["SourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
        "${AdminHttpApi}/*/*/admin/api/*"
    }
    # the portal's apiBase: the API on the web client's own origin
    assert template["Outputs"][names.OUT_ADMIN_API_URL]["Value"] == {
        "Fn::Sub": "https://${WebDistribution.DomainName}/admin/api"
    }


# --- determinism -------------------------------------------------------------------------------------


def test_fragments_are_deterministic_and_not_shared(bot: Bot) -> None:
    ctx = context(bot)
    first = json.dumps(edge(ctx))
    assert json.dumps(edge(ctx)) == first
    for module in (template_auth, template_api, template_web):
        fragment = module.fragment(ctx)
        for resource in fragment["Resources"].values():
            resource["Properties"].clear()
        assert all(r.get("Properties") for r in module.fragment(ctx)["Resources"].values())
    assert json.dumps(edge(ctx)) == first
