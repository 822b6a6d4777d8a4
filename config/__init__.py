"""Settings and shipped configuration data (agency registry, holiday overrides)."""
