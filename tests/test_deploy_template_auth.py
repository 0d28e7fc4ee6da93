"""The auth fragment (template_auth): the admins' Cognito user pool and the guests' identity pool.

GIVEN the auth, API and web fragments merged with a stub of what the core and Lex fragments provide (the
admin Lambda, the bot and its alias), THEN the guest role may only talk to this bot alias, the user pool
admits only the accounts an admin creates, with a strong password policy, and the app client is a public
single-page client.
"""

from __future__ import annotations

from bot.deploy import names
from bot.deploy.template import Json
from tests.deploy_template_support import edge_bot as edge_bot
from tests.deploy_template_support import edge_template as edge_template
from tests.deploy_template_support import of_type, props

ALIAS_ARN = {
    "Fn::Sub": "arn:${AWS::Partition}:lex:${AWS::Region}:${AWS::AccountId}:bot-alias/"
    "${MeetyBot.Id}/${MeetyBotLiveAlias.BotAliasId}"
}


# --- identity ----------------------------------------------------------------------------------------


def test_unauthenticated_role_may_only_recognize_text_on_this_alias(template: Json) -> None:
    role_props = props(template, names.UNAUTH_ROLE)
    assert set(role_props) == {"Description", "AssumeRolePolicyDocument", "Policies"}  # no managed policies
    (policy,) = role_props["Policies"]
    assert policy["PolicyDocument"]["Statement"] == [
        {"Effect": "Allow", "Action": "lex:RecognizeText", "Resource": ALIAS_ARN}
    ]
    (trust,) = role_props["AssumeRolePolicyDocument"]["Statement"]
    assert trust == {
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {"cognito-identity.amazonaws.com:aud": {"Ref": names.IDENTITY_POOL}},
            "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "unauthenticated"},
        },
    }
    assert props(template, names.IDENTITY_POOL_ROLES) == {
        "IdentityPoolId": {"Ref": names.IDENTITY_POOL},
        "Roles": {"unauthenticated": {"Fn::GetAtt": [names.UNAUTH_ROLE, "Arn"]}},
    }
    pool = props(template, names.IDENTITY_POOL)
    assert (pool["AllowUnauthenticatedIdentities"], pool["AllowClassicFlow"]) == (True, False)
    assert "CognitoIdentityProviders" not in pool  # guests only: nobody gets signed-in AWS credentials


def test_user_pool_is_admin_only_with_a_strong_password_policy(template: Json) -> None:
    resource = template["Resources"][names.USER_POOL]
    pool = resource["Properties"]
    assert pool["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": True}
    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 12,
        "RequireUppercase": True,
        "RequireLowercase": True,
        "RequireNumbers": True,
        "RequireSymbols": True,
        "TemporaryPasswordValidityDays": 3,
    }
    assert (pool["MfaConfiguration"], pool["EnabledMfas"]) == ("OPTIONAL", ["SOFTWARE_TOKEN_MFA"])
    assert pool["UsernameConfiguration"] == {"CaseSensitive": False}
    assert pool["UserPoolAddOns"] == {"AdvancedSecurityMode": "OFF"}
    assert pool["DeletionProtection"] == "ACTIVE"
    assert resource["UpdateReplacePolicy"] == "Retain"  # a replacement never drops the accounts
    groups = of_type(template, "AWS::Cognito::UserPoolGroup")
    assert {g["Properties"]["GroupName"]: k for k, g in groups.items()} == {
        "admin": names.GROUP_ADMIN,
        "viewer": names.GROUP_VIEWER,
        "ops": names.GROUP_OPS,
    }
    assert all(g["Properties"]["UserPoolId"] == {"Ref": names.USER_POOL} for g in groups.values())


def test_app_client_is_a_public_spa_client(template: Json) -> None:
    client = props(template, names.USER_POOL_CLIENT)
    assert client["GenerateSecret"] is False
    assert set(client["ExplicitAuthFlows"]) == {
        "ALLOW_USER_PASSWORD_AUTH",  # web_client/admin/auth.js: InitiateAuth USER_PASSWORD_AUTH
        "ALLOW_REFRESH_TOKEN_AUTH",  # ... and REFRESH_TOKEN_AUTH
        "ALLOW_USER_SRP_AUTH",
    }
    assert client["EnableTokenRevocation"] is True  # sign-out revokes the refresh token
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert (client["IdTokenValidity"], client["AccessTokenValidity"], client["RefreshTokenValidity"]) == (
        60,
        60,
        30,
    )
    assert client["TokenValidityUnits"] == {
        "AccessToken": "minutes",
        "IdToken": "minutes",
        "RefreshToken": "days",
    }
    outputs = template["Outputs"]
    assert outputs[names.OUT_USER_POOL_ID]["Value"] == {"Ref": names.USER_POOL}
    assert outputs[names.OUT_USER_POOL_CLIENT_ID]["Value"] == {"Ref": names.USER_POOL_CLIENT}
    assert outputs[names.OUT_IDENTITY_POOL_ID]["Value"] == {"Ref": names.IDENTITY_POOL}
