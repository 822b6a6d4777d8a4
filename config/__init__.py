"""Settings and shipped configuration data (agency registry, holiday overrides).

May import: nothing of the project.
"""
