"""Meety's bot, as specs: one module per intent or small group."""
