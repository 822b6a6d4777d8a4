"""Intake: turning an uploaded plan document into text.

The document readers (:mod:`workflows.intake.readers`) are the only I/O of intake: they read
.txt, .docx and .pdf files and return NFC text, or raise :class:`DocumentError` with a
Vietnamese message saying what is wrong and where.

May import: models, notifications, config.
"""
