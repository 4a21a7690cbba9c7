/* netviz: explore diagrams in the page. Plain script, no dependencies, no build step.
 *
 * Open a group: the build already laid out every group's and composite layer's inside
 * (hidden <svg class="nv-detail" data-for="ID ..."> scenes after the diagram); this script
 * only shows a copy of such a scene in a panel under the level that holds the glyph, scaled
 * like the diagram, and removes it again. Zoom and pan: a diagram wider than its column gets zoom
 * buttons, Ctrl+wheel / pinch zoom and drag to pan, by resizing the vector SVG.
 * Listeners are delegated from the document or attached when a figure appears, so pages
 * swapped in by Material's instant navigation work too. No inline handlers (strict CSP).
 */
(function () {
  "use strict";
  var D = document;
  var GLYPH = '[role="button"][data-id]';

  function figureOf(el) { return el.closest("figure.netviz, div.netviz"); }
  function levels(f) { return f.nvLevels || (f.nvLevels = []); }

  function scale(f) {
    var svg = f.querySelector(".netviz-svg > svg.netviz");
    if (!svg || !svg.viewBox.baseVal || !svg.viewBox.baseVal.width) return 1;
    return svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  }

  function closeFrom(f, level) {
    var stack = levels(f);
    while (stack.length > level) {
      var p = stack.pop();
      p.nvGlyph.setAttribute("aria-expanded", "false");
      p.nvGlyph.classList.remove("nv-open");
      p.parentNode.removeChild(p);
    }
  }

  function levelOf(f, glyph) {
    var panel = glyph.closest(".nv-panel");
    return panel ? levels(f).indexOf(panel) + 1 : 0;
  }

  function toggle(glyph) {
    var f = figureOf(glyph);
    if (!f) return;
    var level = levelOf(f, glyph);
    var wasOpen = glyph.getAttribute("aria-expanded") === "true";
    closeFrom(f, level);
    if (wasOpen) return;
    var id = glyph.getAttribute("data-id"), scene = null;
    f.querySelectorAll(".nv-details > svg.nv-detail").forEach(function (s) {
      // data-for lists every glyph showing this scene (repeats of a block share one)
      if (!scene && s.getAttribute("data-for").split(" ").indexOf(id) >= 0) scene = s;
    });
    if (!scene) return;
    scene = scene.cloneNode(true);
    var label = scene.getAttribute("aria-label") || id;
    var panel = D.createElement("div");
    panel.className = "nv-panel";
    panel.setAttribute("role", "region");
    panel.setAttribute("aria-label", label);
    var head = D.createElement("div");
    head.className = "nv-panel-head";
    var title = D.createElement("span");
    title.textContent = label;
    var close = D.createElement("button");
    close.type = "button";
    close.className = "nv-close";
    close.setAttribute("aria-label", "Close " + label);
    close.textContent = "\u00d7";
    head.appendChild(title);
    head.appendChild(close);
    var body = D.createElement("div");
    body.className = "nv-panel-body";
    var w = scene.viewBox.baseVal.width * scale(f);
    scene.style.width = w + "px";
    body.appendChild(scene);
    panel.appendChild(head);
    panel.appendChild(body);
    panel.nvGlyph = glyph;
    var stack = levels(f);
    var after = level ? stack[level - 1] : f.querySelector(".netviz-svg");
    after.parentNode.insertBefore(panel, after.nextSibling);
    stack.push(panel);
    glyph.setAttribute("aria-expanded", "true");
    glyph.classList.add("nv-open");
    // Attach the panel to its glyph: its arrow points at the glyph, and it starts under it
    // as far as the column allows.
    var fr = f.getBoundingClientRect(), gr = glyph.getBoundingClientRect();
    var x = gr.left + gr.width / 2 - fr.left;
    var left = Math.max(0, Math.min(x - 24, fr.width - panel.getBoundingClientRect().width));
    panel.style.marginLeft = left + "px";
    panel.style.setProperty("--nv-arrow", Math.max(8, x - left - 7) + "px");
  }

  D.addEventListener("click", function (e) {
    var t = e.target;
    if (!(t instanceof Element)) return;
    var close = t.closest(".nv-panel .nv-close");
    if (close) {
      var p = close.closest(".nv-panel"), f = figureOf(p);
      var glyph = p.nvGlyph;
      closeFrom(f, levels(f).indexOf(p));
      glyph.focus();
      return;
    }
    var g = t.closest(GLYPH);
    if (g && g.closest("svg.netviz")) toggle(g);
  });

  D.addEventListener("keydown", function (e) {
    var t = e.target;
    if (!(t instanceof Element)) return;
    if (e.key === "Escape") {
      var f = figureOf(t);
      if (f && levels(f).length) {
        var p = levels(f)[levels(f).length - 1];
        var glyph = p.nvGlyph;
        closeFrom(f, levels(f).length - 1);
        glyph.focus();
        e.preventDefault();
      }
      return;
    }
    if ((e.key === "Enter" || e.key === " ") && t.matches(GLYPH) && t.closest("svg.netviz")) {
      e.preventDefault();
      toggle(t);
    }
  });

  // -- zoom and pan --------------------------------------------------------------------------
  var STEP = 1.25, MAX = 4;

  function natural(svg) { return svg.viewBox.baseVal.width; }

  function zoomTo(box, z, cx) {
    var svg = box.querySelector("svg.netviz");
    var fit = box.clientWidth / natural(svg);
    z = Math.max(Math.min(fit, 1) * 0.5, Math.min(MAX, z));
    var old = svg.getBoundingClientRect().width;
    if (cx === undefined) cx = box.clientWidth / 2;
    var at = (box.scrollLeft + cx) / old;
    svg.style.width = natural(svg) * z + "px";
    svg.style.maxWidth = "none";
    svg.style.minWidth = "0";
    box.classList.add("nv-zoomed");
    box.scrollLeft = at * natural(svg) * z - cx;
  }

  function current(box) {
    var svg = box.querySelector("svg.netviz");
    return svg.getBoundingClientRect().width / natural(svg);
  }

  function reset(box) {
    var svg = box.querySelector("svg.netviz");
    svg.style.width = svg.style.maxWidth = svg.style.minWidth = "";
    box.classList.remove("nv-zoomed");
    box.scrollLeft = 0;
  }

  function button(cls, text, label) {
    var b = D.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.title = label;
    return b;
  }

  function setup(box) {
    var svg = box.querySelector(":scope > svg.netviz");
    if (box.nvZoom || !svg || !svg.viewBox.baseVal || !svg.viewBox.baseVal.width) return;
    if (natural(svg) <= box.clientWidth + 1) return;
    box.nvZoom = true;
    box.classList.add("nv-zoomable");
    var bar = D.createElement("div");
    bar.className = "nv-zoom";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Diagram zoom");
    var zin = button("nv-zoom-in", "+", "Zoom in");
    var zout = button("nv-zoom-out", "\u2212", "Zoom out");
    var zreset = button("nv-zoom-reset", "Fit", "Reset zoom");
    zin.addEventListener("click", function () { zoomTo(box, current(box) * STEP); });
    zout.addEventListener("click", function () { zoomTo(box, current(box) / STEP); });
    zreset.addEventListener("click", function () { reset(box); });
    bar.appendChild(zin);
    bar.appendChild(zout);
    bar.appendChild(zreset);
    box.parentNode.insertBefore(bar, box);

    box.addEventListener("wheel", function (e) {
      if (!e.ctrlKey) return; // pinch on a touchpad arrives as Ctrl+wheel
      e.preventDefault();
      var r = box.getBoundingClientRect();
      zoomTo(box, current(box) * Math.exp(-e.deltaY * 0.002), e.clientX - r.left);
    }, { passive: false });

    var pts = {}, drag = null, pinch = 0, moved = false;
    function count() { return Object.keys(pts).length; }
    function spread() {
      var p = Object.keys(pts).map(function (k) { return pts[k]; });
      return Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y);
    }
    box.addEventListener("pointerdown", function (e) {
      if (e.button !== 0 || e.target.closest(GLYPH + ", a")) return;
      pts[e.pointerId] = { x: e.clientX, y: e.clientY };
      moved = false;
      if (count() === 2) { pinch = spread(); drag = null; return; }
      drag = { x: e.clientX, y: e.clientY, l: box.scrollLeft, t: box.scrollTop };
      box.setPointerCapture(e.pointerId);
    });
    box.addEventListener("pointermove", function (e) {
      if (!pts[e.pointerId]) return;
      pts[e.pointerId] = { x: e.clientX, y: e.clientY };
      if (count() === 2 && pinch) {
        var d = spread();
        zoomTo(box, current(box) * d / pinch);
        pinch = d;
      } else if (drag) {
        var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
        if (Math.abs(dx) + Math.abs(dy) > 3) { moved = true; box.classList.add("nv-panning"); }
        box.scrollLeft = drag.l - dx;
        box.scrollTop = drag.t - dy;
      }
    });
    function end(e) {
      delete pts[e.pointerId];
      if (count() < 2) pinch = 0;
      if (!count()) { drag = null; box.classList.remove("nv-panning"); }
    }
    box.addEventListener("pointerup", end);
    box.addEventListener("pointercancel", end);
    box.addEventListener("click", function (e) {
      if (moved) { e.stopPropagation(); e.preventDefault(); moved = false; }
    }, true);
  }

  // Sizes a strict CSP (style-src 'self') blocks as style=: set through the CSSOM.
  function sizes() {
    D.querySelectorAll("svg.netviz[data-min-width]").forEach(function (s) {
      s.style.setProperty("--netviz-min-width", s.dataset.minWidth + "px");
    });
    D.querySelectorAll(".netviz[data-width],.netviz[data-figure-width]").forEach(function (e) {
      var f = e.dataset.width ? e : e.parentElement.closest("figure");
      if (f && !f.style.width) f.style.width = e.dataset.width || e.dataset.figureWidth;
    });
  }

  function scan() {
    sizes();
    D.querySelectorAll(".netviz .netviz-svg").forEach(setup);
  }

  if (D.readyState === "loading") D.addEventListener("DOMContentLoaded", scan);
  else scan();
  window.addEventListener("resize", scan);
  new MutationObserver(function (records) {
    for (var i = 0; i < records.length; i++) {
      if (records[i].addedNodes.length) { scan(); return; }
    }
  }).observe(D.documentElement, { childList: true, subtree: true });
})();
