"""Intake: turning an uploaded plan document into text.

The document readers (:mod:`workflows.intake.readers`) are the only I/O of intake: they read
.txt, .docx (as Word writes it), .pdf (text layer by geometry, OCR where it is missing or
broken), Word .htm and legacy .doc files and return NFC text, or raise :class:`DocumentError`
with a Vietnamese message saying what is wrong and where. ``read_document_full`` also returns
the warnings a reviewer needs (pages read by OCR, doubtful numbers) and reports progress.

May import: models, notifications, config, and the parser's column roles (workflows.parsing.tables).
"""
