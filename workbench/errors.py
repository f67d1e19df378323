"""Errors that are the user's to fix: printed as one clear message, never a traceback."""


class UserError(Exception):
    """A mistake in what the user asked for (a parameter, a file, an extract)."""
