"""Identity: the Cognito user pool staff sign in with, and the widget's identity pool for AWS credentials.

- The user pool holds staff accounts only: an administrator creates them (``meety`` CLI or console), nobody
  signs up. Its groups are the roles the admin API and fulfillment check (``cognito:groups`` in the ID
  token): ``admin`` decides, ``viewer`` reads, ``ops`` may use the ops intents.
- The app client is the portal, a browser SPA: no secret (a browser cannot keep one), the flows
  ``web_client/admin/auth.js`` uses (``USER_PASSWORD_AUTH``, ``REFRESH_TOKEN_AUTH``; SRP for other clients),
  revocable refresh tokens, and no hint whether a username exists.
- The identity pool gives *unauthenticated* credentials to anonymous widget visitors; its role may do one
  thing: ``lex:RecognizeText`` on this stack's bot alias. Signed-in users prove who they are with their JWT
  in the request attributes, which fulfillment verifies; the AWS credentials never carry identity.

Deletion: the pool is ``DeletionProtection: ACTIVE`` with ``UpdateReplacePolicy: Retain``. A bare
``delete-stack`` therefore fails on the pool (loudly, with every other resource gone) instead of silently
dropping every account, and an update that would replace the pool keeps the old one. ``meety destroy``,
after the operator confirms, turns the protection off first (``UpdateUserPool`` with the pool's current
settings plus ``DeletionProtection=INACTIVE``: that API resets whatever it is not given). The pool
costs nothing while idle, so keeping it until then is free.
"""

from __future__ import annotations

from bot.deploy import names
from bot.deploy.config import TemplateContext
from bot.deploy.template import Fragment, Json

GROUPS: tuple[tuple[str, str, int, str], ...] = (
    # (logical id, group name, precedence, description)
    (
        names.GROUP_ADMIN,
        "admin",
        1,
        "Admins: see and decide requests in the portal and the Slack admin channel.",
    ),
    (names.GROUP_OPS, "ops", 2, "Staff who may use the ops intents (deploy status, alarms, backups)."),
    (names.GROUP_VIEWER, "viewer", 3, "Viewers: see requests, the calendar and the audit trail, read only."),
)
AUTH_FLOWS = ("ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH")
TOKEN_MINUTES = 60
REFRESH_DAYS = 30
DELETION_PROTECTION = "ACTIVE"
"""``meety destroy`` must set the pool's ``DeletionProtection`` to ``INACTIVE`` before deleting the stack."""
COGNITO_IDENTITY = "cognito-identity.amazonaws.com"


def _ref(logical_id: str) -> Json:
    return {"Ref": logical_id}


def user_pool() -> Json:
    return {
        "Type": "AWS::Cognito::UserPool",
        "DeletionPolicy": "Delete",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "UserPoolName": {"Fn::Sub": "${AWS::StackName}-staff"},
            # Lite: password sign-in, groups, MFA and revocation are all it takes; the cheapest tier per MAU.
            "UserPoolTier": "LITE",
            "DeletionProtection": DELETION_PROTECTION,
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
            "UsernameConfiguration": {"CaseSensitive": False},
            "Policies": {
                "PasswordPolicy": {
                    "MinimumLength": 12,
                    "RequireUppercase": True,
                    "RequireLowercase": True,
                    "RequireNumbers": True,
                    "RequireSymbols": True,
                    "TemporaryPasswordValidityDays": 3,
                }
            },
            "MfaConfiguration": "OPTIONAL",
            "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
            # The portal says "ask an administrator" on a reset: no self-service recovery to attack.
            "AccountRecoverySetting": {"RecoveryMechanisms": [{"Name": "admin_only", "Priority": 1}]},
            # Threat protection is a paid (Plus) feature: off, for zero idle cost.
            "UserPoolAddOns": {"AdvancedSecurityMode": "OFF"},
        },
    }


def group(name: str, precedence: int, description: str) -> Json:
    return {
        "Type": "AWS::Cognito::UserPoolGroup",
        "Properties": {
            "UserPoolId": _ref(names.USER_POOL),
            "GroupName": name,
            "Precedence": precedence,
            "Description": description,
        },
    }


def user_pool_client() -> Json:
    return {
        "Type": "AWS::Cognito::UserPoolClient",
        "Properties": {
            "UserPoolId": _ref(names.USER_POOL),
            "ClientName": {"Fn::Sub": "${AWS::StackName}-portal"},
            "GenerateSecret": False,
            "ExplicitAuthFlows": list(AUTH_FLOWS),
            "EnableTokenRevocation": True,
            "PreventUserExistenceErrors": "ENABLED",
            "SupportedIdentityProviders": ["COGNITO"],
            "AllowedOAuthFlowsUserPoolClient": False,
            "AccessTokenValidity": TOKEN_MINUTES,
            "IdTokenValidity": TOKEN_MINUTES,
            "RefreshTokenValidity": REFRESH_DAYS,
            "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
        },
    }


def identity_pool() -> Json:
    return {
        "Type": "AWS::Cognito::IdentityPool",
        "Properties": {
            "IdentityPoolName": {"Fn::Sub": "${AWS::StackName}-widget"},
            "AllowUnauthenticatedIdentities": True,
            # enhanced (simplified) flow only: Cognito adds its own scope-down policy to guest credentials
            "AllowClassicFlow": False,
        },
    }


def bot_alias_arn() -> Json:
    """The live alias of this stack's bot: the one resource the widget's guests may talk to."""
    return {
        "Fn::Sub": "arn:${AWS::Partition}:lex:${AWS::Region}:${AWS::AccountId}:bot-alias/"
        f"${{{names.BOT}.Id}}/${{{names.BOT_ALIAS}.BotAliasId}}"
    }


def unauthenticated_role() -> Json:
    trust = {
        "Effect": "Allow",
        "Principal": {"Federated": COGNITO_IDENTITY},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {f"{COGNITO_IDENTITY}:aud": _ref(names.IDENTITY_POOL)},
            "ForAnyValue:StringLike": {f"{COGNITO_IDENTITY}:amr": "unauthenticated"},
        },
    }
    recognize = {"Effect": "Allow", "Action": "lex:RecognizeText", "Resource": bot_alias_arn()}
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Description": "Chat widget guests (unauthenticated): lex:RecognizeText on the live alias only.",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [trust]},
            "Policies": [
                {
                    "PolicyName": "RecognizeTextOnLiveAlias",
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": [recognize]},
                }
            ],
        },
    }


def identity_pool_roles() -> Json:
    return {
        "Type": "AWS::Cognito::IdentityPoolRoleAttachment",
        "Properties": {
            "IdentityPoolId": _ref(names.IDENTITY_POOL),
            "Roles": {"unauthenticated": {"Fn::GetAtt": [names.UNAUTH_ROLE, "Arn"]}},
        },
    }


def fragment(ctx: TemplateContext) -> Fragment:
    """The user pool, its groups and app client, the widget's identity pool and its guest role."""
    del ctx  # nothing here depends on the operator's choices
    resources: Json = {
        names.USER_POOL: user_pool(),
        **{logical_id: group(name, precedence, text) for logical_id, name, precedence, text in GROUPS},
        names.USER_POOL_CLIENT: user_pool_client(),
        names.IDENTITY_POOL: identity_pool(),
        names.UNAUTH_ROLE: unauthenticated_role(),
        names.IDENTITY_POOL_ROLES: identity_pool_roles(),
    }
    outputs: Json = {
        names.OUT_USER_POOL_ID: {"Description": "Cognito user pool (staff)", "Value": _ref(names.USER_POOL)},
        names.OUT_USER_POOL_CLIENT_ID: {
            "Description": "The portal's app client (no secret)",
            "Value": _ref(names.USER_POOL_CLIENT),
        },
        names.OUT_IDENTITY_POOL_ID: {
            "Description": "Identity pool for the widget's guest credentials",
            "Value": _ref(names.IDENTITY_POOL),
        },
    }
    return {"Resources": resources, "Outputs": outputs}
