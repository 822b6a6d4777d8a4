"""The web dashboard: coordinators review and monitor, agencies update, leadership sees what is
overdue. Server-rendered HTML (Starlette + Jinja2, autoescape on), Vietnamese UI.

Entry point: :func:`web.app.create_app`. The first coordinator account is created with
:func:`web.admin.create_user` (``kehoach user add --role coordinator EMAIL``).

May import: workflows (runners and everything below them), models, notifications, config;
never cli.
"""

from web import paths as _paths  # noqa: F401  (registers the ``{name:id}`` path convertor)
