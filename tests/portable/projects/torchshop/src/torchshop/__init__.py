"""A small PyTorch project, documented with Sphinx (Furo) as a new user would."""
