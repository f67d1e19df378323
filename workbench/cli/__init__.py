"""The ``workbench`` command line (console script ``workbench = workbench.cli:main``)."""

from .main import build_parser, main

__all__ = ["build_parser", "main"]
