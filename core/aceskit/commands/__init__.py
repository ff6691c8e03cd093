"""Subcommands of the ``aceskit`` CLI: one module each, with ``register(subparsers)``."""
