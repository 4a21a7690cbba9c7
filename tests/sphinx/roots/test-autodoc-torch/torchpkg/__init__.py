"""A small PyTorch package documented by autodoc."""
