"""Email as pure parts: typed contexts, Jinja2 rendering, message building and headers, signed
links, and the aiosmtplib sender with its outcomes.

May import: models, config.
"""
