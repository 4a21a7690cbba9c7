"""The PyTorch route: ``nn.Module`` traced on the meta device, and ``.pt2`` programs.

- :mod:`.module`: the live-module route (``torch``) and its example inputs; :mod:`.trace`: the
  tracer (module hooks and ``TorchFunctionMode``); :mod:`.kinds`: what a module or an
  operation is (category, plumbing); :mod:`.axes`: named axes from ``torch.export`` ``Dim``s.
- :mod:`.export`: saved programs (``torch-export``), read by :mod:`.export_file`.

The registry (:mod:`..base`) imports these modules by name; torch itself is imported inside
functions only.
"""

from __future__ import annotations
