"""The web client in AWS: a private S3 bucket behind CloudFront, the security headers, the SES identity.

- The bucket is private every way S3 offers (public-access blocks, owner-enforced objects, SSE-S3, TLS
  only); CloudFront reads it through an Origin Access Control, and the bucket policy lets exactly this
  distribution's ``s3:GetObject`` in. No versioning: the deployer re-uploads the folder and invalidates.
- The distribution: HTTPS only, HTTP/2 and 3, PriceClass_100, CachingOptimized; a viewer-request function
  maps ``/admin/`` and ``/api-docs/`` to ``index.html`` (and ``/admin`` to ``/admin/``) like ``meety serve``.
  ``/admin/api/*`` goes, uncached and with every viewer header but Host (so the bearer token too), to the
  admin HTTP API: the portal and the API docs call it on their own origin, as locally (``template_api``).
- Every response carries ``bot/web.py``'s headers for AWS: a CSP without ``unsafe-inline`` that connects
  only to this origin, Lex runtime and Cognito in this region; nothing may frame the pages.

No WAF by default: a web ACL costs a monthly fee even when idle, and the API is throttled and
authenticated. Attach one to the distribution (``WebACLId``) if the site becomes a target.
"""

from __future__ import annotations

import hashlib
import re
from email.utils import parseaddr

from bot.deploy import names
from bot.deploy.config import TemplateContext
from bot.deploy.template import Fragment, Json

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
"""AWS managed policies; with caching disabled this origin request policy also forwards Authorization."""
S3_ORIGIN = "web-bucket"
API_ORIGIN = "admin-api"
API_PATHS = "/admin/api/*"
INDEX_FUNCTION = "WebIndexFunction"
"""Logical id of the viewer-request function (private to this fragment)."""
HSTS_SECONDS = 63_072_000  # two years
CONNECT_HOSTS = ("runtime-v2-lex", "cognito-identity", "cognito-idp")
"""Lex runtime (the widget), Cognito identity (its guest credentials), user pools (staff sign-in)."""
PUBLIC_ACCESS_BLOCKS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"
ADDRESS = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")
DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")

INDEX_CODE = """\
function handler(event) {
  var request = event.request, uri = request.uri;
  if (uri === "/admin" || uri === "/api-docs") {
    return {statusCode: 308, statusDescription: "Moved", headers: {location: {value: uri + "/"}}};
  }
  if (uri.endsWith("/")) request.uri = uri + "index.html";
  return request;
}
"""
"""``/admin`` -> ``/admin/`` (308, as ``meety serve``) and ``.../`` -> ``.../index.html``."""


def global_name(ctx: TemplateContext, suffix: str) -> str:
    """A CloudFront name (one namespace per account, 64 characters): stack and region, shortened if long."""
    stack = ctx.config.stack
    if len(stack) > 28:
        digest = hashlib.sha256(stack.encode()).hexdigest()[:6]
        stack = f"{stack[:21]}-{digest}"
    return f"{stack}-{ctx.config.region}-{suffix}"


CONNECT_SRC = " ".join(["'self'", *(f"https://{h}.${{AWS::Region}}.amazonaws.com" for h in CONNECT_HOSTS)])
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    f"connect-src {CONNECT_SRC}; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""``bot.web.content_security_policy("'none'")`` with the AWS endpoints instead of ``*.amazonaws.com``."""


def bucket() -> Json:
    abort_uploads = {"Status": "Enabled", "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}
    return {
        "Type": "AWS::S3::Bucket",
        "DeletionPolicy": "Delete",  # the deployer empties it; the files are rebuilt from the repository
        "UpdateReplacePolicy": "Delete",
        "Properties": {
            "PublicAccessBlockConfiguration": dict.fromkeys(PUBLIC_ACCESS_BLOCKS, True),
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "LifecycleConfiguration": {"Rules": [abort_uploads]},
        },
    }


def bucket_policy() -> Json:
    distribution_arn = {
        "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/"
        f"${{{names.WEB_DISTRIBUTION}}}"
    }
    bucket_arn = {"Fn::GetAtt": [names.WEB_BUCKET, "Arn"]}
    objects = {"Fn::Sub": f"${{{names.WEB_BUCKET}.Arn}}/*"}
    read = {
        "Sid": "CloudFrontReadsThroughOAC",
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject",
        "Resource": objects,
        "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
    }
    tls_only = {
        "Sid": "DenyPlainHttp",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, objects],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    return {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": {"Ref": names.WEB_BUCKET},
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [read, tls_only]},
        },
    }


def origin_access_control(ctx: TemplateContext) -> Json:
    return {
        "Type": "AWS::CloudFront::OriginAccessControl",
        "Properties": {
            "OriginAccessControlConfig": {
                "Name": global_name(ctx, "web"),
                "Description": "CloudFront reads the Meety web client bucket (SigV4, every request).",
                "OriginAccessControlOriginType": "s3",
                "SigningBehavior": "always",
                "SigningProtocol": "sigv4",
            }
        },
    }


def security_headers(ctx: TemplateContext) -> Json:
    csp = {"ContentSecurityPolicy": {"Fn::Sub": CSP}, "Override": True}
    hsts = {"AccessControlMaxAgeSec": HSTS_SECONDS, "IncludeSubdomains": True, "Override": True}
    return {
        "Type": "AWS::CloudFront::ResponseHeadersPolicy",
        "Properties": {
            "ResponseHeadersPolicyConfig": {
                "Name": global_name(ctx, "security-headers"),
                "Comment": "The headers bot/web.py sends locally, for the AWS endpoints.",
                "SecurityHeadersConfig": {
                    "ContentSecurityPolicy": csp,
                    "ContentTypeOptions": {"Override": True},
                    "FrameOptions": {"FrameOption": "DENY", "Override": True},
                    "ReferrerPolicy": {"ReferrerPolicy": "strict-origin-when-cross-origin", "Override": True},
                    "StrictTransportSecurity": hsts,
                },
                "CustomHeadersConfig": {
                    "Items": [{"Header": "Permissions-Policy", "Value": PERMISSIONS_POLICY, "Override": True}]
                },
            }
        },
    }


def index_function(ctx: TemplateContext) -> Json:
    return {
        "Type": "AWS::CloudFront::Function",
        "Properties": {
            "Name": global_name(ctx, "web-index"),
            "AutoPublish": True,
            "FunctionConfig": {"Comment": "Folder URLs to index.html", "Runtime": "cloudfront-js-2.0"},
            "FunctionCode": INDEX_CODE,
        },
    }


def distribution() -> Json:
    headers = {"Ref": names.WEB_HEADERS}
    site = {
        "TargetOriginId": S3_ORIGIN,
        "ViewerProtocolPolicy": "redirect-to-https",
        "AllowedMethods": ["GET", "HEAD"],
        "CachedMethods": ["GET", "HEAD"],
        "CachePolicyId": CACHING_OPTIMIZED,
        "Compress": True,
        "ResponseHeadersPolicyId": headers,
        "FunctionAssociations": [
            {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": [INDEX_FUNCTION, "FunctionARN"]}}
        ],
    }
    api = {
        "PathPattern": API_PATHS,
        "TargetOriginId": API_ORIGIN,
        "ViewerProtocolPolicy": "https-only",  # a redirected POST would lose its body: refuse plain HTTP
        "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
        "CachedMethods": ["GET", "HEAD"],
        "CachePolicyId": CACHING_DISABLED,
        "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
        "Compress": True,
        "ResponseHeadersPolicyId": headers,
    }
    origins = [
        {
            "Id": S3_ORIGIN,
            "DomainName": {"Fn::GetAtt": [names.WEB_BUCKET, "RegionalDomainName"]},
            "S3OriginConfig": {"OriginAccessIdentity": ""},
            "OriginAccessControlId": {"Fn::GetAtt": [names.WEB_OAC, "Id"]},
        },
        {
            "Id": API_ORIGIN,
            "DomainName": {
                "Fn::Sub": f"${{{names.HTTP_API}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}"
            },
            "CustomOriginConfig": {"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]},
        },
    ]
    return {
        "Type": "AWS::CloudFront::Distribution",
        "Properties": {
            "DistributionConfig": {
                "Comment": {"Fn::Sub": "${AWS::StackName}: Meety web client and admin API"},
                "Enabled": True,
                "DefaultRootObject": "index.html",
                "HttpVersion": "http2and3",
                "IPV6Enabled": True,
                "PriceClass": "PriceClass_100",
                "Origins": origins,
                "DefaultCacheBehavior": site,
                "CacheBehaviors": [api],
                "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
            }
        },
    }


def mail_identity(mail_from: str) -> Json:
    """An address identity for ``a@b.c`` or ``Name <a@b.c>``; a domain identity for a bare ``b.c``."""
    identity = parseaddr(mail_from)[1] if "@" in mail_from else mail_from.strip()
    pattern = ADDRESS if "@" in mail_from else DOMAIN
    if not pattern.fullmatch(identity):
        raise ValueError(f"mail_from {mail_from!r} is neither an e-mail address nor a domain")
    return {"Type": "AWS::SES::EmailIdentity", "Properties": {"EmailIdentity": identity}}


def _output(description: str, value: Json) -> Json:
    return {"Description": description, "Value": value}


def fragment(ctx: TemplateContext) -> Fragment:
    """Bucket, OAC, bucket policy, headers policy, index function, distribution; SES identity if mailing."""
    resources: Json = {
        names.WEB_BUCKET: bucket(),
        names.WEB_OAC: origin_access_control(ctx),
        names.WEB_BUCKET_POLICY: bucket_policy(),
        names.WEB_HEADERS: security_headers(ctx),
        INDEX_FUNCTION: index_function(ctx),
        names.WEB_DISTRIBUTION: distribution(),
    }
    if ctx.config.mail_from:
        resources[names.MAIL_IDENTITY] = mail_identity(ctx.config.mail_from)
    url = {"Fn::Sub": f"https://${{{names.WEB_DISTRIBUTION}.DomainName}}/"}
    outputs: Json = {
        names.OUT_WEB_BUCKET: _output("The bucket the web client is uploaded to", {"Ref": names.WEB_BUCKET}),
        names.OUT_DISTRIBUTION_ID: _output("Invalidate after an upload", {"Ref": names.WEB_DISTRIBUTION}),
        names.OUT_WEB_URL: _output("The widget demo; the portal is at /admin/", url),
    }
    return {"Resources": resources, "Outputs": outputs}
