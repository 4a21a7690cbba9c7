"""Models whose names carry HTML and JavaScript, to prove that a page embeds them inertly.

Keras refuses ``/`` in layer names, so the Keras model uses payloads without a closing tag;
:func:`hostile_graph` builds a saved IR with the complete payloads (``</script>`` included)
in every free-text field a diagram shows: model name, layer names, layer types, config.
Every payload that ran would set ``window.__nvxss`` or open an ``alert`` dialog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx_netviz.core.ir.graph import Edge, Graph, Node

if TYPE_CHECKING:
    import keras

#: Payloads Keras accepts as names (no ``/``).
KERAS_PAYLOADS = (
    "\"><img src=x onerror='window.__nvxss=1;alert(1)'>",
    "<script>window.__nvxss=2;alert(2);",
    "<svg onload='window.__nvxss=3;alert(3)'>",
    "x' onmouseover='window.__nvxss=4' '",
)
#: Payloads for the saved IR, where any text is allowed.
IR_PAYLOADS = (
    "<script>window.__nvxss=11;alert(11)</script>",
    '"><img src=x onerror="window.__nvxss=12;alert(12)">',
    "</title></g></svg><img src=x onerror=window.__nvxss=13>",
    "]]><script>window.__nvxss=14</script>",
    "<style>*{display:none}</style><iframe src=javascript:window.parent.__nvxss=15>",
)


def hostile_keras() -> keras.Model:
    """A real Keras model whose input, layer and model names are HTML/JS payloads."""
    import keras
    from keras import layers

    a, b, c, d = KERAS_PAYLOADS
    inputs = keras.Input(shape=(16, 16, 3), name=a)
    x = layers.Conv2D(8, 3, name=b)(inputs)
    x = layers.Conv2D(8, 3, name=c)(x)
    x = layers.GlobalAveragePooling2D(name=d)(x)
    outputs = layers.Dense(4, name="head " + a)(x)
    return keras.Model(inputs, outputs, name="<b onclick=alert(0)>hostile")


def hostile_graph() -> Graph:
    """An IR graph with payloads in the model name, node names, types and config."""
    p = IR_PAYLOADS
    nodes = (
        Node(id="in", name=p[0], type="InputLayer", kind="input", output_shapes=((16, 16, 3),)),
        Node(
            id="conv",
            name=p[1],
            type="Conv2D",
            input_shapes=((16, 16, 3),),
            output_shapes=((14, 14, 8),),
            params=224,
            config={"activation": p[2]},
        ),
        Node(
            id="odd",
            name=p[2],
            type="<img src=x onerror=window.__nvxss=16>",
            input_shapes=((14, 14, 8),),
            output_shapes=((14, 14, 8),),
        ),
        Node(
            id="out",
            name=p[3],
            type="Dense",
            input_shapes=((14, 14, 8),),
            output_shapes=((14, 14, 4),),
            params=36,
            config={"name": p[4]},
        ),
    )
    edges = (
        Edge("in", "conv", (16, 16, 3)),
        Edge("conv", "odd", (14, 14, 8)),
        Edge("odd", "out", (14, 14, 8)),
    )
    return Graph(name=p[4], nodes=nodes, edges=edges, inputs=("in",), outputs=("out",))
