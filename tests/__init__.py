"""Meety test suite."""
