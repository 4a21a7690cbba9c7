"""Hand-built IR graphs for the rendering tests (no Keras needed).

``Builder`` writes graphs the way the extractor would: one node per call, edges carrying
shapes, inputs and outputs listed. The factories below cover the shapes a renderer must get
right: chains, residual and inception cells, U-Net skips, several inputs and outputs, nested
models, non-series-parallel wiring, and large synthetic networks for the scaling benchmark.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

from sphinx_netviz.core.ir.graph import Edge, Graph, Node, Shape


class Builder:
    def __init__(self, name: str = "model") -> None:
        self.name = name
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []
        self.inputs: list[str] = []
        self.outputs: list[str] = []
        self._shape: dict[str, Shape] = {}
        self._count: dict[str, int] = {}

    def _id(self, base: str) -> str:
        k = self._count.get(base, 0)
        self._count[base] = k + 1
        return base if k == 0 else f"{base}_{k}"

    def input(self, shape: Shape, name: str = "input") -> str:
        nid = self._id(name)
        self.nodes.append(
            Node(
                id=nid,
                name=nid,
                type="InputLayer",
                kind="input",
                input_shapes=(shape,),
                output_shapes=(shape,),
            )
        )
        self._shape[nid] = shape
        self.inputs.append(nid)
        return nid

    def layer(
        self,
        type_: str,
        inputs: str | list[str],
        out: Shape | None = None,
        *,
        name: str | None = None,
        params: int = 0,
        config: dict[str, Any] | None = None,
        parent: str | None = None,
        kind: str = "layer",
    ) -> str:
        srcs = [inputs] if isinstance(inputs, str) else list(inputs)
        nid = self._id(name or type_.lower())
        in_shapes = tuple(self._shape[s] for s in srcs)
        shape = out if out is not None else in_shapes[0]
        self.nodes.append(
            Node(
                id=nid,
                name=nid,
                type=type_,
                kind=kind,
                input_shapes=in_shapes,
                output_shapes=(shape,),
                params=params,
                config=dict(config or {}),
                parent=parent,
            )
        )
        for i, s in enumerate(srcs):
            self.edges.append(Edge(s, nid, self._shape[s], 0, i))
        self._shape[nid] = shape
        return nid

    def output(self, *ids: str) -> None:
        self.outputs.extend(ids)

    def build(self) -> Graph:
        return Graph(
            self.name, tuple(self.nodes), tuple(self.edges), tuple(self.inputs), tuple(self.outputs)
        )

    # -- motifs ------------------------------------------------------------------------------
    def cba(self, x: str, filters: int, stride: int = 1) -> str:
        s = self._shape[x]
        h = (s[0] // stride) if s[0] else None
        w = (s[1] // stride) if s[1] else None
        c = self.layer(
            "Conv2D",
            x,
            (h, w, filters),
            params=filters * 9,
            config={"filters": filters, "kernel_size": [3, 3]},
        )
        b = self.layer("BatchNormalization", c)
        return self.layer("Activation", b, config={"activation": "relu"})

    def residual(self, x: str, filters: int, project: bool = False) -> str:
        stride = 2 if project else 1
        y = self.cba(x, filters, stride)
        y = self.cba(y, filters)
        s = self._shape[y]
        y = self.layer("Conv2D", y, s, params=filters * 9)
        y = self.layer("BatchNormalization", y)
        short = x
        if project:
            short = self.layer("Conv2D", x, s, params=filters)
            short = self.layer("BatchNormalization", short)
        z = self.layer("Add", [y, short], s)
        return self.layer("Activation", z, config={"activation": "relu"})

    def inception(self, x: str, filters: int) -> str:
        s = self._shape[x]
        b1 = self.cba(x, filters)
        b2 = self.cba(self.cba(x, filters), filters)
        b3 = self.cba(self.cba(self.cba(x, filters), filters), filters)
        p = self.layer("AveragePooling2D", x, s)
        b4 = self.cba(p, filters)
        return self.layer("Concatenate", [b1, b2, b3, b4], (s[0], s[1], filters * 4))


def chain() -> Graph:
    b = Builder("chain")
    x = b.input((28, 28, 1))
    x = b.layer(
        "Conv2D", x, (26, 26, 32), params=320, config={"filters": 32, "kernel_size": [3, 3]}
    )
    x = b.layer("MaxPooling2D", x, (13, 13, 32))
    x = b.layer("Conv2D", x, (11, 11, 64), params=18496)
    x = b.layer("MaxPooling2D", x, (5, 5, 64))
    x = b.layer("Flatten", x, (1600,))
    x = b.layer("Dropout", x, (1600,))
    x = b.layer("Dense", x, (10,), params=16010, config={"units": 10, "activation": "softmax"})
    b.output(x)
    return b.build()


def residual_net(blocks: int = 3) -> Graph:
    b = Builder("resnet_tiny")
    x = b.input((64, 64, 3))
    x = b.cba(x, 16)
    x = b.residual(x, 32, project=True)
    for _ in range(blocks):
        x = b.residual(x, 32)
    x = b.layer("GlobalAveragePooling2D", x, (32,))
    x = b.layer("Dense", x, (10,), params=330)
    b.output(x)
    return b.build()


def inception_net() -> Graph:
    b = Builder("inception_tiny")
    x = b.input((32, 32, 3))
    x = b.cba(x, 16)
    x = b.inception(x, 8)
    x = b.inception(x, 8)
    x = b.layer("MaxPooling2D", x, (16, 16, 32))
    x = b.inception(x, 8)
    x = b.layer("GlobalAveragePooling2D", x, (32,))
    x = b.layer("Dense", x, (5,))
    b.output(x)
    return b.build()


def unet(depth: int = 3) -> Graph:
    b = Builder("unet")
    x = b.input((128, 128, 1))
    skips = []
    f = 16
    for _ in range(depth):
        x = b.layer("Conv2D", x, (b._shape[x][0], b._shape[x][1], f))
        x = b.layer("Conv2D", x)
        skips.append(x)
        s = b._shape[x]
        x = b.layer("MaxPooling2D", x, (s[0] // 2, s[1] // 2, f))
        f *= 2
    s = b._shape[x]
    x = b.layer("Conv2D", x, (s[0], s[1], f))
    for skip in reversed(skips):
        f //= 2
        s = b._shape[skip]
        x = b.layer("UpSampling2D", x, (s[0], s[1], b._shape[x][2]))
        x = b.layer("Concatenate", [skip, x], (s[0], s[1], f + b._shape[x][2]))
        x = b.layer("Conv2D", x, (s[0], s[1], f))
        x = b.layer("Conv2D", x)
    x = b.layer("Conv2D", x, (128, 128, 1), name="mask")
    b.output(x)
    return b.build()


def multi_io() -> Graph:
    b = Builder("multi_io")
    img = b.input((32, 32, 3), name="image")
    meta = b.input((8,), name="meta")
    x = b.cba(img, 16)
    x = b.layer("GlobalAveragePooling2D", x, (16,))
    m = b.layer("Dense", meta, (16,), name="meta_dense")
    z = b.layer("Concatenate", [x, m], (32,))
    z = b.layer("Dense", z, (32,))
    out1 = b.layer("Dense", z, (10,), name="class_out")
    out2 = b.layer("Dense", z, (1,), name="score_out")
    b.output(out1, out2)
    return b.build()


def nested() -> Graph:
    """An outer model calling an inner 'encoder' model (internals recorded)."""
    b = Builder("outer")
    x = b.input((28, 28, 1))
    enc = "encoder"
    inner_in = f"{enc}/input"
    c1 = f"{enc}/conv"
    p1 = f"{enc}/pool"
    b.nodes.append(
        Node(
            id=enc,
            name=enc,
            type="Functional",
            kind="model",
            input_shapes=((28, 28, 1),),
            output_shapes=((13, 13, 8),),
            params=80,
            model_inputs=(inner_in,),
            model_outputs=(p1,),
        )
    )
    b.nodes.append(
        Node(
            id=inner_in,
            name="input",
            type="InputLayer",
            kind="input",
            input_shapes=((28, 28, 1),),
            output_shapes=((28, 28, 1),),
            parent=enc,
        )
    )
    b.nodes.append(
        Node(
            id=c1,
            name="conv",
            type="Conv2D",
            input_shapes=((28, 28, 1),),
            output_shapes=((26, 26, 8),),
            params=80,
            parent=enc,
        )
    )
    b.nodes.append(
        Node(
            id=p1,
            name="pool",
            type="MaxPooling2D",
            input_shapes=((26, 26, 8),),
            output_shapes=((13, 13, 8),),
            parent=enc,
        )
    )
    b.edges.append(Edge(x, enc, (28, 28, 1)))
    b.edges.append(Edge(inner_in, c1, (28, 28, 1)))
    b.edges.append(Edge(c1, p1, (26, 26, 8)))
    b._shape[enc] = (13, 13, 8)
    y = b.layer("Flatten", enc, (1352,))
    y = b.layer("Dense", y, (10,))
    b.output(y)
    return b.build()


def non_sp() -> Graph:
    """Two cells that each read the previous two outputs (NASNet-like): not series-parallel."""
    b = Builder("nas_like")
    x = b.input((16, 16, 8))
    p = b.layer("Conv2D", x, (16, 16, 8), name="stem")
    h = b.layer("Conv2D", p, (16, 16, 8), name="stem2")
    for _ in range(3):
        a1 = b.layer("SeparableConv2D", h, (16, 16, 8))
        a2 = b.layer("SeparableConv2D", p, (16, 16, 8))
        s1 = b.layer("Add", [a1, a2])
        a3 = b.layer("AveragePooling2D", p, (16, 16, 8))
        s2 = b.layer("Add", [a3, h])
        c = b.layer("Concatenate", [s1, s2], (16, 16, 16))
        c = b.layer("Conv2D", c, (16, 16, 8))
        p, h = h, c
    x = b.layer("GlobalAveragePooling2D", h, (8,))
    b.output(b.layer("Dense", x, (3,)))
    return b.build()


def synthetic(n_layers: int, seed: int = 0) -> Graph:
    """A large network of realistic motifs (chains, residual and inception cells, stages),
    about ``n_layers`` nodes; deterministic for a seed."""
    rng = random.Random(seed)
    b = Builder(f"synthetic_{n_layers}")
    x = b.input((224, 224, 3))
    x = b.cba(x, 32, 2)
    filters = 32
    while len(b.nodes) < n_layers - 3:
        kind = rng.choice(["res", "res", "inc", "chain"])
        reps = rng.randint(1, 6)
        for _ in range(reps):
            if kind == "res":
                x = b.residual(x, filters)
            elif kind == "inc":
                x = b.inception(x, max(1, filters // 4))
                filters = b._shape[x][2]
            else:
                x = b.cba(x, filters)
            if len(b.nodes) >= n_layers - 3:
                break
        s = b._shape[x]
        if s[0] and s[0] > 7 and rng.random() < 0.3:
            x = b.layer("MaxPooling2D", x, (s[0] // 2, s[1] // 2, s[2]))
    x = b.layer("GlobalAveragePooling2D", x, (b._shape[x][2],))
    x = b.layer("Dense", x, (10,))
    b.output(x)
    return b.build()


def masked_chain(n: int = 6, block: str = "TransformerBlock") -> Graph:
    """Token embedding, then ``n`` identical blocks that each also read one mask input."""
    b = Builder(f"masked_chain_{n}")
    tokens = b.input((16,), name="token_ids")
    mask = b.input((16,), name="padding_mask")
    x = b.layer("Embedding", tokens, (16, 32), params=320)
    for _ in range(n):
        x = b.layer(block, [x, mask], (16, 32), params=1000)
    x = b.layer("LayerNormalization", x, (16, 32))
    b.output(x)
    return b.build()


def long_skips() -> Graph:
    """A chain with staggered skips (not series-parallel) and one source read far ahead
    twice (a bundle)."""
    b = Builder("long_skips")
    x = b.input((32, 32, 8))
    c = [b.layer("Conv2D", x, (32, 32, 8))]
    for k in range(1, 11):
        prev = c[-1]
        if k == 5:
            c.append(b.layer("Add", [prev, c[1]]))
        elif k == 8:
            c.append(b.layer("Add", [prev, c[3]]))
        elif k in (6, 10):
            c.append(b.layer("Concatenate", [prev, c[0]], (32, 32, 16 if k == 6 else 24)))
        else:
            c.append(b.layer("Conv2D", prev, (32, 32, 8 * (1 + (k >= 6) + (k >= 10)))))
    b.output(c[-1])
    return b.build()


def cell_chain(cells: int = 8) -> Graph:
    """NASNet after folding: cells one after another, each reading the previous two
    outputs (not series-parallel)."""
    b = Builder(f"cell_chain_{cells}")
    x = b.input((32, 32, 3))
    p = b.layer("Conv2D", x, (16, 16, 32), name="stem")
    h = b.layer("NormalCell", [p, p], (16, 16, 32))
    for k in range(cells):
        c = b.layer("ReductionCell" if k % 3 == 2 else "NormalCell", [h, p], (16, 16, 32))
        p, h = h, c
    y = b.layer("GlobalAveragePooling2D", h, (32,))
    b.output(b.layer("Dense", y, (10,)))
    return b.build()


ALL = {
    "chain": chain,
    "residual": residual_net,
    "inception": inception_net,
    "unet": unet,
    "multi_io": multi_io,
    "nested": nested,
    "non_sp": non_sp,
}


# -- geometry checks shared by the layout and render tests -------------------------------------
def check_scene(scene) -> list[str]:
    """Every geometric promise of the layout; returns the violations (empty when all hold)."""
    problems: list[str] = []
    eps = 0.01
    boxes = {g.id: g.bbox for g in scene.glyphs}
    if len(boxes) != len(scene.glyphs):
        problems.append("duplicate glyph ids")
    items = list(boxes.items())
    # 1. no two glyphs overlap
    order = sorted(items, key=lambda kv: kv[1][0])
    for i, (a, ba) in enumerate(order):
        for b, bb in order[i + 1 :]:
            if bb[0] >= ba[2] - eps:
                break
            if bb[1] < ba[3] - eps and ba[1] < bb[3] - eps:
                problems.append(f"glyphs overlap: {a} {b}")
    # 2. everything inside the viewBox
    for g in scene.glyphs:
        x0, y0, x1, y1 = g.bbox
        if x0 < 0 or y0 < 0 or x1 > scene.width or y1 > scene.height:
            problems.append(f"glyph outside viewBox: {g.id}")
    for p in scene.paths:
        for x, y in p.points:
            if x < 0 or y < 0 or x > scene.width or y > scene.height:
                problems.append(f"edge outside viewBox: {p.source}->{p.target}")
                break
    # 3. edges: orthogonal, attached to their glyphs, never through another glyph
    for p in scene.paths:
        if p.source not in boxes or p.target not in boxes:
            problems.append(f"edge to unknown glyph: {p.source}->{p.target}")
            continue
        pts = p.points
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            if abs(x0 - x1) > eps and abs(y0 - y1) > eps:
                problems.append(f"diagonal edge segment: {p.source}->{p.target}")
        sb, tb = boxes[p.source], boxes[p.target]
        sx, sy = pts[0]
        tx, ty = pts[-1]
        if not (abs(sx - sb[2]) < 1.0 and sb[1] - eps <= sy <= sb[3] + eps):
            problems.append(f"edge not attached to source: {p.source}->{p.target}")
        if not (abs(tx - tb[0]) < 1.0 and tb[1] - eps <= ty <= tb[3] + eps):
            problems.append(f"edge not attached to target: {p.source}->{p.target}")
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            lo_x, hi_x = min(x0, x1), max(x0, x1)
            lo_y, hi_y = min(y0, y1), max(y0, y1)
            for gid, b in items:
                if gid in (p.source, p.target):
                    continue
                if (
                    lo_x < b[2] - 0.5
                    and hi_x > b[0] + 0.5
                    and lo_y < b[3] - 0.5
                    and hi_y > b[1] + 0.5
                ):
                    problems.append(f"edge {p.source}->{p.target} crosses glyph {gid}")
                    break
    # 4. labels overlap neither glyphs nor each other (approximate text boxes)
    from sphinx_netviz.core.layout import text_width

    def text_box(lb):
        tw = text_width(lb.text, lb.size)
        if lb.rotate:
            return (lb.x - lb.size / 2 + 1, lb.y, lb.x + lb.size / 2 - 1, lb.y + tw - 2)
        return (lb.x - tw / 2 + 1, lb.y - lb.size + 2, lb.x + tw / 2 - 1, lb.y)

    tboxes = sorted(((text_box(lb), lb.text) for lb in scene.labels), key=lambda t: t[0][0])
    gboxes = sorted(((b, gid) for gid, b in items), key=lambda t: t[0][0])
    for i, (a, text) in enumerate(tboxes):
        for b, other in tboxes[i + 1 :]:
            if b[0] >= a[2]:
                break
            if a[1] < b[3] and b[1] < a[3]:
                problems.append(f"labels overlap: {text!r} {other!r}")
        for b, gid in gboxes:
            if b[0] >= a[2]:
                break
            if a[0] < b[2] and a[1] < b[3] and b[1] < a[3]:
                problems.append(f"label {text!r} overlaps glyph {gid}")
    return problems


def conservation(prep) -> tuple[int, int]:
    """(accounted IR nodes, IR nodes of the drawn level): drawn layers + group members +
    hidden + absorbed must equal the IR count."""
    vg = prep.view
    drawn = 0
    for g in prep.scene.glyphs:
        if g.kind == "group":
            drawn += g.members
        elif g.kind == "layer":
            drawn += len(vg.nodes[g.id].members)
    return drawn + len(vg.hidden) + len(vg.absorbed), vg.ir_total


_FUZZ_TYPES = [
    "Conv2D",
    "Dense",
    "Add",
    "Concatenate",
    "ReLU",
    "BatchNormalization",
    "MaxPooling2D",
    "Dropout",
]


def random_dag(seed: int, max_layers: int = 60) -> Graph:
    """A random DAG with odd shapes (unknown dims, scalars, vectors), several inputs and
    outputs, fan-ins up to 3 and long skips: whatever the layout meets in the wild."""
    r = random.Random(seed)
    b = Builder(f"fuzz{seed}")
    ids = [b.input(r.choice([(32, 32, 3), (10,), (None, 8), ()]))]
    if r.random() < 0.3:
        ids.append(b.input((16, 16, 1), name="in2"))
    for _ in range(r.randint(1, max_layers)):
        k = 1 if r.random() < 0.7 else r.randint(2, 3)
        pool = ids[-r.randint(2, 12) :]
        srcs = r.sample(pool, min(k, len(pool)))
        shape = r.choice([(32, 32, 8), (16, 16, 4), (10,), (None, 8), (8, 8, None), ()])
        ids.append(b.layer(r.choice(_FUZZ_TYPES), srcs, shape))
    used = {e.source for e in b.edges}
    b.output(*[i for i in ids if i not in used])
    return b.build()
