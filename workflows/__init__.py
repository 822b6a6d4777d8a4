"""The use cases, one room per capability (see ARCHITECTURE.md): intake (file → text), parsing
(text → ExtractedPlan), registry, records, rules, plans, followup, delivery, runners.

May import: models, notifications, config; each room's docstring says which rooms it may use.
"""
