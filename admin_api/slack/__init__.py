"""Meety's own Slack app: approvals in the admins channel and the bot in direct messages.

One Lambda behind API Gateway (HTTP API, payload v2) in AWS, two routes of ``meety serve`` locally:
``POST /slack/events`` (Events API) and ``POST /slack/interactions`` (buttons, forms). Every request's
Slack signature is verified first; without ``MEETY_SLACK_SIGNING_SECRET`` the routes are 404.

Public API:

- ``settings``: ``SlackSettings`` (signing_secret, bot_token, admin_channel, roles, api_url,
  lex_endpoint, bot_id, bot_alias_id, locale, host_timezone; ``enabled``, ``roles_of(user)``),
  ``load_slack_settings(environ=None)``, ``parse_roles(value)``;
- ``verify``: ``verify_request(settings, headers, body, now, guard=None)``, ``SlackUnauthorized``
  (``.reason``), ``ReplayGuard``;
- ``handler``: ``lambda_handler(event, context)``, ``SlackApp`` (the wired app: ``handle(event)``,
  ``run(job)``), ``build_app(environ=None)``, ``use(app)``, ``EVENTS``, ``INTERACTIONS``;
- ``deferral``: ``Deferrer`` (protocol), ``ThreadDeferrer`` (local), ``LambdaDeferrer`` (AWS),
  ``DeferralRefused``, ``DEFERRED`` (the marker key of a deferred job's event);
- ``approvals``: ``announce(settings, request, web_client) -> ts | None``, ``Announcer(settings,
  web_client_factory)`` (the ``on_request_created`` hook; never raises), ``web_client(settings)``,
  ``decide``, ``refuse``, ``reject_form``, ``Click``, action ids ``APPROVE`` / ``REJECT``;
- ``payloads``: Slack payloads parsed into ``Clicked``, ``ReasonGiven``, ``ReplyPressed``;
  ``BadPayload``;
- ``local_routes``: ``slack_routes(handler=lambda_handler)``, Starlette routes for ``meety serve``;
- ``dm``: ``handle_message(settings, event, web_client, now)`` (a DM is one Lex turn) and
  ``handle_button(settings, payload, web_client, now)`` (a press on a reply's button);
- ``blocks``: Lex responses (messages, response cards) as Slack Block Kit, and back;
- ``lex_client``: the Lex V2 runtime client for direct messages (real Lex, or ``lex_endpoint``).

Modules are imported by name (``from admin_api.slack.handler import lambda_handler``); importing the
package itself loads nothing.
"""
