"""A documented package with model factories."""
