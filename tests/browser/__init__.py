"""Browser tests: built Sphinx and MkDocs pages opened in the system Chromium."""
