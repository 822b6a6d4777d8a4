"""The SQLModel tables, the database engine and sessions, and the Alembic migrations.

May import: config.
"""
