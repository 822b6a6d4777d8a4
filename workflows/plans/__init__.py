"""Plans from document to published schedule: extraction (file → ExtractedPlan with bodies
resolved), import and re-import (plan rows, task merge, stable identities), a coordinator's
corrections, publishing (recurring instances, contributors' deadlines, alarms), the terminal
summary and the CLI's read-side lists.

May import: followup (publishing and deadline changes set alarms), intake, parsing, registry,
records, rules, models, notifications, config.
"""
