"""Scenarios the demo and the browser sandbox drive against the stand-ins, one module per topic."""
