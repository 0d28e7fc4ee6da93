"""Meety's bot tooling: the spec model, the compiler to Lex V2, and the loader.

Public API:
- ``bot.spec``: what operators write in ``intents/`` (BotSpec, IntentSpec, SlotSpec, ...).
- ``bot.model``: the resolved, Lex-shaped bot definition (Bot, Locale, Intent, Slot, ...).
- ``bot.build.compile_project`` / ``write_build``: specs -> definition -> LexJson + CloudFormation.
- ``bot.lexjson.load_package``: any LexJson package (folder or zip) -> definition.
- ``bot.validate.validate``: Lex's rules, as a list of problems.
- ``bot.cli.main``: the ``meety`` command.
"""
