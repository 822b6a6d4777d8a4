"""The ``kehoach`` command line, beside web/ as the other way in. ``main`` builds the parser;
one module per command group (plans, corrections, followup, demo) shares ``helpers``. Handlers
import what they run lazily, so ``kehoach --help`` stays fast and never loads Prefect.

May import: web (``serve``, user accounts), workflows (runners and below), models,
notifications, config. Nothing imports cli.
"""
