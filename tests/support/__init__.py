"""Helpers and fixtures the tests share (the fixtures are in worlds.py, loaded by conftest)."""
