"""The package of the "Read the Docs / CI" page's example (its conf.py is copied in)."""
