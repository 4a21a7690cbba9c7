raise ImportError("broken module import")
