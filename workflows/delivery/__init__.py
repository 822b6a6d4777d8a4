"""Delivery: draining the outbox over SMTP with leases, retries and a row for every attempt
(outbox), and the delivery log as readable lines (outbox_view). What to send is decided in
followup/; here it is only sent.

May import: rules, models, notifications, config.
"""
