"""Scenarios the demo plays against the stand-ins, one module per feature."""
