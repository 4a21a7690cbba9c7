"""Example model factories drawn throughout netviz's documentation.

Every page of the docs, in both the Sphinx and the MkDocs build, draws these same factories, so
the two sites show the same pictures. Each factory is small (it builds in well under a second),
takes only keyword arguments with defaults (so a docs build can call it bare) and is annotated
``-> keras.Model`` (so the automatic API-reference diagrams recognise it as a model factory).

Keras is imported inside the factories rather than at module level: documentation tools that
import this package (autodoc, griffe) then stay fast, and only netviz's worker process pays for
TensorFlow.
"""

from __future__ import annotations

from .composite import multi_io, nested
from .papers import encoder_decoder, gpt_decoder, nasnet_cells, vision_transformer
from .sequence import lstm_classifier, transformer_encoder
from .vision import inception_like, mnist_convnet, resnet_like, resnet_like_v2, unet, vgg_like

__all__ = [
    "encoder_decoder",
    "gpt_decoder",
    "inception_like",
    "lstm_classifier",
    "mnist_convnet",
    "multi_io",
    "nasnet_cells",
    "nested",
    "resnet_like",
    "resnet_like_v2",
    "transformer_encoder",
    "unet",
    "vgg_like",
    "vision_transformer",
]
