"""Keeping published plans on time: alarms (when each reminder and escalation is due), notices
(due alarms become a ledger), composing digests and escalations into outbox rows (mail_context,
recipients, compose), the weekly digest, quarterly milestone reports and delivery-problem
reports, reminder policy, contacts, status updates and extensions (updates), status labels, a
task's history in words (history_view) and whom a message is for by name (addressees).

May import: delivery, records, registry, parsing, rules, models, notifications, config.
"""
