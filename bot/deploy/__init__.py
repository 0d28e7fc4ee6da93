"""``meety deploy`` / ``meety destroy``: from specs to a running serverless stack in AWS, and back.

A pipeline of single-purpose stages (as Chalice does it): the bot is compiled, each Lambda is packaged
(``package``), the CloudFormation template is generated from the bot and the settings by pure functions
(``template`` and its ``template_*`` fragments), then ``deployer`` uploads, creates and executes a change
set with live progress and writes the web client's configuration; ``destroy`` undoes it all.

Public API:

- ``bot.deploy.config``: ``DeployConfig`` (what the operator chose), ``Artifacts`` (where the Lambda zips
  are), ``TemplateContext`` (what the template functions read).
- ``bot.deploy.names``: the template's logical ids and output names, shared by every fragment.
- ``bot.deploy.template``: ``build_template(ctx) -> dict``, merged from ``template_core`` (table, Lambdas,
  IAM), ``template_lex`` (bot, version, alias), ``template_auth`` (Cognito), ``template_api`` (admin HTTP
  API), ``template_web`` (S3, CloudFront, SES) and ``template_monitoring`` (alarms, dashboard).
- ``bot.deploy.package``: ``package_all(repo_root, out_dir) -> {name: BuiltZip}``; ``bot.deploy.vendor``
  resolves and installs the wheels.
- ``bot.deploy.deployer``: ``plan``, ``dry_run``, ``deploy``; ``bot.deploy.destroyer``: ``destroy``; with
  ``aws`` (clients, errors), ``storage`` (S3), ``changeset``, ``progress`` (live events), ``web_config``.
- ``bot.deploy.cli``: ``register(subparsers)`` adds ``meety deploy`` and ``meety destroy``.
"""
