"""The web client fragment (template_web), and what moto's CloudFormation creates of the edge fragments.

GIVEN the auth, API and web fragments merged with a stub of what the core and Lex fragments provide (the
admin Lambda, the bot and its alias), THEN the bucket is private, the distribution is HTTPS only with a
strict CSP, no policy allows a wildcard action, the mail identity exists only when mailing, and moto's
CloudFormation creates what it supports (bucket, IAM role, log group, Lambda permission).
"""

from __future__ import annotations

import ast
import json
import re
import warnings
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from bot import web
from bot.deploy import names, template_api, template_web
from bot.deploy.config import DeployConfig, TemplateContext
from bot.deploy.template import Json
from bot.model import Bot
from tests.deploy_template_support import REGION, as_list, edge, props, stack_template
from tests.deploy_template_support import edge_bot as edge_bot
from tests.deploy_template_support import edge_context as context
from tests.deploy_template_support import edge_template as edge_template
from tests.widget_support import chromium


def statements(template: Json) -> Iterator[Json]:
    """Every IAM statement: role trust and inline policies, bucket policies."""
    for resource in template["Resources"].values():
        if resource["Type"] not in {"AWS::IAM::Role", "AWS::S3::BucketPolicy"}:
            continue
        p = resource["Properties"]
        documents = [p.get("AssumeRolePolicyDocument"), p.get("PolicyDocument")]
        documents += [policy["PolicyDocument"] for policy in p.get("Policies", [])]
        for document in filter(None, documents):
            yield from document["Statement"]


# --- web client --------------------------------------------------------------------------------------


def test_bucket_is_private_and_read_only_by_this_distribution(template: Json) -> None:
    bucket = props(template, names.WEB_BUCKET)
    assert bucket["PublicAccessBlockConfiguration"] == dict.fromkeys(
        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
    )
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert "VersioningConfiguration" not in bucket
    assert "WebsiteConfiguration" not in bucket
    policy = props(template, names.WEB_BUCKET_POLICY)
    assert policy["Bucket"] == {"Ref": names.WEB_BUCKET}
    allow = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert allow == [
        {
            "Sid": "CloudFrontReadsThroughOAC",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": {"Fn::Sub": "${WebBucket.Arn}/*"},
            "Condition": {
                "StringEquals": {
                    "AWS:SourceArn": {
                        "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/"
                        "${WebDistribution}"
                    }
                }
            },
        }
    ]
    oac = props(template, names.WEB_OAC)["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"], oac["SigningProtocol"]) == (
        "s3",
        "always",
        "sigv4",
    )
    config = props(template, names.WEB_DISTRIBUTION)["DistributionConfig"]
    s3_origins = [o for o in config["Origins"] if "S3OriginConfig" in o]
    assert s3_origins == [
        {
            "Id": "web-bucket",
            "DomainName": {"Fn::GetAtt": [names.WEB_BUCKET, "RegionalDomainName"]},
            "S3OriginConfig": {"OriginAccessIdentity": ""},  # no legacy OAI
            "OriginAccessControlId": {"Fn::GetAtt": [names.WEB_OAC, "Id"]},
        }
    ]


def test_distribution_is_https_only(template: Json) -> None:
    config = props(template, names.WEB_DISTRIBUTION)["DistributionConfig"]
    behaviors = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    assert {b["ViewerProtocolPolicy"] for b in behaviors} <= {"redirect-to-https", "https-only"}
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert all(b["ResponseHeadersPolicyId"] == {"Ref": names.WEB_HEADERS} for b in behaviors)
    custom = [o["CustomOriginConfig"] for o in config["Origins"] if "CustomOriginConfig" in o]
    assert custom == [{"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]}]
    assert (config["HttpVersion"], config["PriceClass"], config["DefaultRootObject"]) == (
        "http2and3",
        "PriceClass_100",
        "index.html",
    )
    site = config["DefaultCacheBehavior"]
    assert (site["CachePolicyId"], site["Compress"]) == ("658327ea-f89d-4fab-a63d-7e88639e58f6", True)
    (api,) = config["CacheBehaviors"]
    assert api["PathPattern"] == "/admin/api/*"
    assert api["CachePolicyId"] == template_web.CACHING_DISABLED  # never cache an authorized answer
    assert "WebACLId" not in config  # no WAF by default (a monthly fee while idle)
    headers = props(template, names.WEB_HEADERS)["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31_536_000
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"
    assert headers["ContentTypeOptions"] == {"Override": True}


def test_index_function_maps_folders_like_meety_serve() -> None:
    """The CloudFront Function's JavaScript, run in headless Chromium (no node needed)."""
    cases = ["/", "/admin", "/admin/", "/api-docs", "/api-docs/", "/widget/meety-widget.js"]
    script = (
        "(cases) => {\n"
        + template_web.INDEX_CODE
        + "return cases.map((uri) => handler({request: {uri: uri}}));\n}"
    )
    with chromium() as browser:
        page = browser.new_page()
        page.goto("about:blank")
        returned = page.evaluate(script, cases)
    results = dict(zip(cases, returned, strict=True))
    assert results["/"] == {"uri": "/index.html"}
    assert results["/admin/"] == {"uri": "/admin/index.html"}
    assert results["/api-docs/"] == {"uri": "/api-docs/index.html"}
    assert results["/widget/meety-widget.js"] == {"uri": "/widget/meety-widget.js"}
    for folder in ("/admin", "/api-docs"):
        assert results[folder]["statusCode"] == 308
        assert results[folder]["headers"] == {"location": {"value": folder + "/"}}


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_csp_is_the_local_one_with_exactly_the_aws_endpoints(template: Json) -> None:
    headers = props(template, names.WEB_HEADERS)["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    policy = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "*" not in policy
    aws = directives(policy)
    local = directives(web.content_security_policy("'none'"))
    assert set(aws) == set(local)
    assert {k: v for k, v in aws.items() if k != "connect-src"} == {
        k: v for k, v in local.items() if k != "connect-src"
    }
    assert aws["frame-ancestors"] == ["'none'"]
    assert aws["script-src"] == aws["style-src"] == ["'self'"]
    assert sorted(aws["connect-src"]) == sorted(
        [
            "'self'",
            "https://runtime-v2-lex.${AWS::Region}.amazonaws.com",
            "https://cognito-identity.${AWS::Region}.amazonaws.com",
            "https://cognito-idp.${AWS::Region}.amazonaws.com",
        ]
    )


def test_no_wildcard_action_is_allowed_anywhere(template: Json) -> None:
    found = list(statements(template))
    assert len(found) >= 4
    for statement in found:
        if statement["Effect"] == "Allow":
            assert not any("*" in action for action in as_list(statement["Action"])), statement
        else:  # the only Deny: plain HTTP to the web bucket
            assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.parametrize(
    ("mail_from", "identity"),
    [
        ("Meety <meety@example.com>", "meety@example.com"),
        ("meety@example.com", "meety@example.com"),
        ("mail.example.com", "mail.example.com"),
    ],
)
def test_ses_identity_only_when_mailing(bot: Bot, mail_from: str, identity: str) -> None:
    resources = template_web.fragment(context(bot, mail_from))["Resources"]
    assert resources[names.MAIL_IDENTITY] == {
        "Type": "AWS::SES::EmailIdentity",
        "Properties": {"EmailIdentity": identity},
    }
    assert names.MAIL_IDENTITY not in template_web.fragment(context(bot, None))["Resources"]


@pytest.mark.parametrize("mail_from", ["meety at example.com", "a@b@c", "<>", "x y@z.com"])
def test_a_bad_mail_from_is_refused(bot: Bot, mail_from: str) -> None:
    with pytest.raises(ValueError, match="neither an e-mail address nor a domain"):
        template_web.fragment(context(bot, mail_from))


def test_cloudfront_names_fit_and_differ_per_region(bot: Bot) -> None:
    long_ctx = context(bot, stack="a" * 128)
    names_used = [
        template_web.global_name(long_ctx, suffix) for suffix in ("web", "security-headers", "web-index")
    ]
    assert all(len(n) <= 64 for n in names_used)
    other = TemplateContext(
        config=DeployConfig(stack="meety-test", region="us-east-1"), bot=bot, artifacts=long_ctx.artifacts
    )
    assert template_web.global_name(other, "web") != template_web.global_name(context(bot), "web")


# --- moto's CloudFormation -------------------------------------------------------------------------


def moto_supported() -> set[str]:
    from moto.cloudformation.parsing import get_model_map

    return set(get_model_map())


def for_moto(template: Json, supported: set[str]) -> tuple[Json, set[str]]:
    """The template without the resources moto cannot create, references to them made literal strings.

    moto skips unknown types but then refuses a GetAtt to them; everything it does support stays as written.
    """
    gone = {k for k, v in template["Resources"].items() if v["Type"] not in supported}
    variable = re.compile(r"\$\{(" + "|".join(map(re.escape, sorted(gone))) + r")(?:\.(\w+))?\}")

    def fix(node: Any) -> Any:
        if isinstance(node, dict):
            if set(node) == {"Ref"} and node["Ref"] in gone:
                return f"stub-{node['Ref']}"
            if set(node) == {"Fn::GetAtt"} and node["Fn::GetAtt"][0] in gone:
                return "stub-" + "-".join(node["Fn::GetAtt"])
            if set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
                return {
                    "Fn::Sub": variable.sub(
                        lambda m: "stub-" + "-".join(filter(None, m.groups())), node["Fn::Sub"]
                    )
                }
            return {k: fix(v) for k, v in node.items()}
        if isinstance(node, list):
            return [fix(v) for v in node]
        return node

    kept = {k: fix(v) for k, v in template["Resources"].items() if k not in gone}
    return {**template, "Resources": kept, "Outputs": fix(template["Outputs"])}, gone


def test_moto_creates_the_supported_resources(bot: Bot) -> None:
    supported = moto_supported()
    moto_template, skipped = for_moto(stack_template(bot, context(bot)), supported)
    # what moto's CloudFormation really creates of ours, and what it cannot (asserted on above instead)
    ours = edge(context(bot))["Resources"]
    assert {k for k in ours if k not in skipped} == {
        names.WEB_BUCKET,
        names.UNAUTH_ROLE,
        template_api.ACCESS_LOGS,
        names.HTTP_API_PERMISSION,
    }
    assert {ours[k]["Type"] for k in skipped & set(ours)} == {
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolGroup",
        "AWS::Cognito::UserPoolClient",
        "AWS::Cognito::IdentityPool",
        "AWS::Cognito::IdentityPoolRoleAttachment",
        "AWS::ApiGatewayV2::Api",
        "AWS::ApiGatewayV2::Authorizer",
        "AWS::ApiGatewayV2::Integration",
        "AWS::ApiGatewayV2::Route",
        "AWS::ApiGatewayV2::Stage",
        "AWS::S3::BucketPolicy",
        "AWS::CloudFront::OriginAccessControl",
        "AWS::CloudFront::ResponseHeadersPolicy",
        "AWS::CloudFront::Function",
        "AWS::CloudFront::Distribution",
        "AWS::SES::EmailIdentity",
    }
    body = json.dumps(moto_template)
    with mock_aws(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # moto warns about (and skips) Cognito, CloudFront, API GW v2, Lex
        cfn = boto3.client("cloudformation", region_name=REGION)
        cfn.create_stack(StackName="meety-test", TemplateBody=body, Capabilities=["CAPABILITY_IAM"])
        stack = cfn.describe_stacks(StackName="meety-test")["Stacks"][0]
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        created = {
            r["LogicalResourceId"]: r["PhysicalResourceId"]
            for r in cfn.list_stack_resources(StackName="meety-test")["StackResourceSummaries"]
        }
        # the bucket, with SSE-S3 (moto's CFN applies encryption, not the public-access block)
        s3 = boto3.client("s3", region_name=REGION)
        bucket = created[names.WEB_BUCKET]
        assert bucket in {b["Name"] for b in s3.list_buckets()["Buckets"]}
        (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
        assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
        # the guest role: trust on Cognito identity, one inline policy with one action
        iam = boto3.client("iam", region_name=REGION)
        role_name = created[names.UNAUTH_ROLE]
        trust = iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
        assert trust["Statement"][0]["Principal"] == {"Federated": "cognito-identity.amazonaws.com"}
        (policy_name,) = iam.list_role_policies(RoleName=role_name)["PolicyNames"]
        document = iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"]
        if isinstance(document, str):  # moto keeps a CFN-made inline policy as the repr of a dict
            document = ast.literal_eval(document)
        assert document["Statement"] == [
            {
                "Effect": "Allow",
                "Action": "lex:RecognizeText",
                "Resource": f"arn:aws:lex:{REGION}:123456789012:bot-alias/"
                "stub-MeetyBot-Id/stub-MeetyBotLiveAlias-BotAliasId",
            }
        ]
        assert iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"] == []
        # the access log group, kept 30 days
        logs = boto3.client("logs", region_name=REGION)
        groups = logs.describe_log_groups()["logGroups"]
        (group,) = [g for g in groups if g["logGroupName"] == created[template_api.ACCESS_LOGS]]
        assert group["retentionInDays"] == 30
        # API Gateway may invoke the admin Lambda
        lam = boto3.client("lambda", region_name=REGION)
        policy = json.loads(lam.get_policy(FunctionName=created[names.ADMIN_FUNCTION])["Policy"])
        (grant,) = policy["Statement"]
        assert grant["Principal"] == {"Service": "apigateway.amazonaws.com"}
        assert grant["Action"] == "lambda:InvokeFunction"
