"""Scenarios the demo plays on its world of stand-ins, one module per feature."""
