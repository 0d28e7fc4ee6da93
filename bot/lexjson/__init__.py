"""LexJson import/export packages: the Lex V2 console's zip layout."""

from bot.lexjson.load import load_package

__all__ = ["load_package"]
