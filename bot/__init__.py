"""Carethread: social customer service in Slack."""
