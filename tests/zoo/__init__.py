"""Small Keras test models shared by every engineer's tests (``tests.zoo.models:NAME``).

``models`` holds good factories (each builds in well under a second on a CPU); ``bad`` holds
factories that fail in every way a user's can, for the error-path tests. Nothing here is
imported at module import time beyond Keras itself.
"""
