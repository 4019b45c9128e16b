"""Scenarios the demo plays against the stand-ins, one module per feature (the demo calls
them; tests drive the same functions)."""
