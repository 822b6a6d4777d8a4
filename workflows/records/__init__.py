"""Stored plans and tasks as every use case touches them: fetching the one a user names, with a
Vietnamese error when it does not exist (lookups), and the append-only task history
(task_history). Shared by plans/ and followup/, so it sits below both.

May import: models.
"""
