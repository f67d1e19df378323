"""The one error a scenario raises: a user's mistake, printed as one message, never a traceback."""

from __future__ import annotations

from ..errors import UserError


class ScenarioError(UserError, ValueError):
    """A scenario file or parameter is not valid. The message names file, field and expectation.

    A :class:`~workbench.errors.UserError` (so every front end prints it without a traceback) and a
    ``ValueError`` (what it was before there was a common user-error class).
    """
