"""Small Keras test models shared by every engineer's tests (``tests.zoo.models:NAME``).

``models`` holds good factories (each builds in well under a second on a CPU); ``bad`` holds
factories that fail in every way a user's can, for the error-path tests. Nothing here is
imported at module import time beyond Keras itself.
"""

#: The everyday good factories of ``tests.zoo.models`` (names), the set most tests and
#: benchmarks iterate over: chains, branches, skips, multi-IO, nesting, sharing, RNNs, raw
#: ops and a custom layer.
GOOD_MODELS: tuple[str, ...] = (
    "mnist_convnet",
    "residual",
    "inception",
    "unet",
    "multi_io",
    "nested",
    "siamese",
    "lstm",
    "raw_ops",
    "custom_layer",
)
