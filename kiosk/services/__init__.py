"""Use cases. Each takes the store, runs one unit of work, returns frozen dataclasses."""
