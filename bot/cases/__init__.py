"""The case workflow after listening: claim, draft, approve, escalate, close, history.

Services are plain functions taking `Services` (or their parts); each opens its own unit
of work. Transitions that two people can race for are single conditional UPDATEs checked
by rowcount, which behave the same on SQLite and PostgreSQL.
"""
