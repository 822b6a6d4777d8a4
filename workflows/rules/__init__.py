"""Pure time rules: no database, no SMTP, no scheduler; ``now`` and dates are passed in.

calendar (working days) · holiday_table (the override table) · quarters (periods) ·
recurrence (period instances) · reminders · escalation · status (taxonomy) · timefmt (display).

May import: parsing, models, notifications, config.
"""
