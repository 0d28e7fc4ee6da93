"""Logical ids and output names of the Meety stack: one list, so fragments can reference each other."""

from __future__ import annotations

# data
TABLE = "RequestsTable"

# Lambdas, their roles and log groups
FULFILLMENT_FUNCTION = "FulfillmentFunction"
FULFILLMENT_ROLE = "FulfillmentRole"
FULFILLMENT_LOGS = "FulfillmentLogGroup"
ADMIN_FUNCTION = "AdminApiFunction"
ADMIN_ROLE = "AdminApiRole"
ADMIN_LOGS = "AdminApiLogGroup"
SWEEPER_FUNCTION = "SweeperFunction"
SWEEPER_ROLE = "SweeperRole"
SWEEPER_LOGS = "SweeperLogGroup"
SWEEPER_SCHEDULE = "SweeperSchedule"
SWEEPER_PERMISSION = "SweeperSchedulePermission"
SLACK_FUNCTION = "SlackFunction"
SLACK_ROLE = "SlackRole"
SLACK_LOGS = "SlackLogGroup"

# Lex
BOT = "MeetyBot"
BOT_ROLE = "MeetyBotRole"
BOT_VERSION = "MeetyBotVersion"
BOT_ALIAS = "MeetyBotLiveAlias"
LEX_PERMISSION = "FulfillmentLexPermission"

# identity
USER_POOL = "UserPool"
USER_POOL_CLIENT = "UserPoolClient"
GROUP_ADMIN = "AdminGroup"
GROUP_VIEWER = "ViewerGroup"
GROUP_OPS = "OpsGroup"
IDENTITY_POOL = "IdentityPool"
UNAUTH_ROLE = "WidgetUnauthenticatedRole"
IDENTITY_POOL_ROLES = "IdentityPoolRoles"

# admin HTTP API
HTTP_API = "AdminHttpApi"
HTTP_API_STAGE = "AdminHttpApiStage"
HTTP_API_AUTHORIZER = "AdminJwtAuthorizer"
HTTP_API_INTEGRATION = "AdminApiIntegration"
HTTP_API_PERMISSION = "AdminApiInvokePermission"
SLACK_INTEGRATION = "SlackIntegration"
SLACK_EVENTS_ROUTE = "SlackEventsRoute"
SLACK_INTERACTIONS_ROUTE = "SlackInteractionsRoute"
SLACK_PERMISSION = "SlackInvokePermission"

# web client
WEB_BUCKET = "WebBucket"
WEB_BUCKET_POLICY = "WebBucketPolicy"
WEB_OAC = "WebOriginAccessControl"
WEB_HEADERS = "WebSecurityHeaders"
WEB_DISTRIBUTION = "WebDistribution"

# e-mail
MAIL_IDENTITY = "MailIdentity"

# monitoring
ALARM_TOPIC = "AlarmTopic"
DASHBOARD = "Dashboard"

# outputs: the web client's configuration and `meety destroy` read these
OUT_REGION = "Region"
OUT_TABLE = "TableName"
OUT_BOT_ID = "BotId"
OUT_BOT_ALIAS_ID = "BotAliasId"
OUT_USER_POOL_ID = "UserPoolId"
OUT_USER_POOL_CLIENT_ID = "UserPoolClientId"
OUT_IDENTITY_POOL_ID = "IdentityPoolId"
OUT_ADMIN_API_URL = "AdminApiUrl"
OUT_WEB_BUCKET = "WebBucketName"
OUT_DISTRIBUTION_ID = "DistributionId"
OUT_WEB_URL = "WebUrl"
OUT_DASHBOARD = "DashboardName"
OUT_SLACK_REQUEST_URL = "SlackRequestUrl"
