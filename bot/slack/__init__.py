"""Slack: pure Block Kit builders, ids shared with the listeners, and message publishing."""
