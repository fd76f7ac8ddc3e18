"""Accounts: staff and youth users, sign-in and sessions, agencies and their settings."""
