"""Local stand-ins for Slack's Web API and X API v2, sample data, and the demo."""
