"""A small PyTorch package documented by mkdocstrings."""
