"""What runs the work: the plain job functions (jobs: sweep, drain), the embedded runner
(scheduler, the only module importing APScheduler), the scale-out runner (flows, the only module
importing Prefect), the app's one clock, and the runtime every entry point needs (a migrated
engine, the registry).

May import: plans, followup, delivery, records, registry, intake, parsing, rules, models,
notifications, config.
"""
