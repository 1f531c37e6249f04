"""Accounts, roles, sign-up, login, password reset."""
