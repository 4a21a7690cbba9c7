"""A small Keras project, documented with MkDocs (Material) as a new user would."""
