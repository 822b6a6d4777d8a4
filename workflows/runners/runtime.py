"""What entry points (CLI, scheduler, flows, web) need: a migrated engine and the registry."""

from __future__ import annotations

from sqlalchemy import Engine

from config.settings import get_settings
from models.db import engine_for
from models.migrate import upgrade
from workflows.registry.registry import Registry, load_registry

_migrated: set[str] = set()


def database(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: settings), migrated to head once per process."""
    url = url or get_settings().effective_database_url
    engine = engine_for(url)
    if url not in _migrated:
        upgrade(engine)
        _migrated.add(url)
    return engine


def registry() -> Registry:
    return load_registry(get_settings().registry_path)
