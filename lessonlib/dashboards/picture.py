"""A dashboard's picture in the browser: a PNG shown as an ``<img>`` with alt text, which tells the kernel the
size it is shown at.

``ipywidgets.Image`` has neither: its ``<img>`` has no alt text (a screen reader hears nothing, axe-core
counts a critical violation), and the kernel never learns how large the picture is on screen, so a figure
drawn once at 880 px wide is stretched and soft on a 1920 px wall and wastes pixels on a small slide.
``Picture`` (an anywidget: a few lines of JavaScript that JupyterLab and Voilà both run) keeps the same
``value``/``format`` interface as ``ipywidgets.Image`` and adds

- ``alt``: the picture's alt text (set by the dashboard from its title and state);
- in the page, alt text for every other picture whose PNG carries a "Description" (``plots.png_with_description``:
  lessonlib's figures and dashboard stills), since JupyterLab and Voilà ignore an output's ``alt`` metadata;
- in the page, a name (``aria-label``, from the control's label) for each slider handle of its dashboard,
  which ipywidgets leaves nameless (axe-core: a serious violation);
- ``shown``: ``{"width", "height"}`` in CSS pixels and ``"ratio"`` (the screen's devicePixelRatio), the size
  the picture is drawn at on screen, reported by the browser when it changes (a ResizeObserver, debounced).

The dashboard turns ``shown`` into the figure's dpi (``fit_dpi``), so that one figure pixel is one screen
pixel: sharp on a 4K projector, no bigger than needed on a laptop.  Without a kernel (a saved notebook)
the picture still shows, with its alt text.
"""
import anywidget
import traitlets

ESM = """
// A PNG's "Description" (tEXt or uncompressed iTXt chunk before the image data), from its data: URL.
function pngDescription(src) {
  if (!src || !src.startsWith("data:image/png;base64,")) return null;
  let bin;
  try { const b64 = src.slice(22, 22 + 43688); bin = atob(b64.slice(0, b64.length - b64.length % 4)); }
  catch (e) { return null; }
  for (let i = 8; i + 8 <= bin.length;) {
    const len = ((bin.charCodeAt(i) << 24) | (bin.charCodeAt(i + 1) << 16) | (bin.charCodeAt(i + 2) << 8)
                 | bin.charCodeAt(i + 3)) >>> 0;
    const type = bin.slice(i + 4, i + 8), data = bin.slice(i + 8, i + 8 + len);
    if (type === "IDAT" || i + 12 + len > bin.length) return null;
    const zero = data.indexOf("\\0");
    if ((type === "tEXt" || type === "iTXt") && data.slice(0, zero) === "Description") {
      if (type === "tEXt") return data.slice(zero + 1);
      if (data.charCodeAt(zero + 1) !== 0) return null;                    // compressed: not ours
      const text = data.indexOf("\\0", data.indexOf("\\0", zero + 3) + 1) + 1;
      return new TextDecoder().decode(Uint8Array.from(data.slice(text), c => c.charCodeAt(0)));
    }
    i += 12 + len;
  }
  return null;
}

// Once per page: every output picture without alt text gets the description its PNG carries
// (JupyterLab and Voilà ignore the alt in an output's metadata; lessonlib's figures carry it in both).
function describePictures() {
  if (window.__lessonlibDescribed) return;
  window.__lessonlibDescribed = true;
  const describe = img => {
    if (img.hasAttribute("alt")) return;
    const text = pngDescription(img.getAttribute("src"));
    if (text) img.setAttribute("alt", text);
  };
  const scan = node => {
    if (node.nodeType !== 1) return;
    if (node.tagName === "IMG") describe(node); else node.querySelectorAll("img:not([alt])").forEach(describe);
  };
  scan(document.body);
  new MutationObserver(changes => changes.forEach(change => {
    if (change.type === "attributes") describe(change.target); else change.addedNodes.forEach(scan);
  })).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["src"] });
}

function render({ model, el }) {
  describePictures();
  el.classList.add("lessonlib-picture");
  const img = document.createElement("img");
  img.className = "widget-image";
  img.setAttribute("role", "img");
  el.appendChild(img);
  let url = null, timer = null;
  const show = () => {
    const value = model.get("value");
    if (value && value.byteLength) {
      const next = URL.createObjectURL(new Blob([value], { type: "image/" + model.get("format") }));
      img.src = next;
      if (url) URL.revokeObjectURL(url);
      url = next;
    }
  };
  const label = () => { img.alt = model.get("alt") || ""; };
  // the size the picture is drawn at: the <img> box, less object-fit's letterbox
  const report = () => {
    const box = img.getBoundingClientRect();
    if (!img.naturalWidth || box.width < 2 || box.height < 2) return;       // not on screen
    const aspect = img.naturalWidth / img.naturalHeight;
    const width = Math.min(box.width, box.height * aspect);
    const now = { width: Math.round(width), height: Math.round(width / aspect),
                  ratio: window.devicePixelRatio || 1 };
    const was = model.get("shown") || {};
    if (was.ratio !== now.ratio || Math.abs((was.width || 0) - now.width) > 2) {
      model.set("shown", now);
      model.save_changes();
    }
  };
  // ipywidgets' slider handles (role=slider) carry no name: give each its label's text, for screen readers
  const nameSliders = () => {
    const board = el.closest(".lessonlib-dashboard");
    if (!board) return;
    board.querySelectorAll(".widget-slider").forEach(box => {
      const label = box.querySelector(".widget-label");
      const name = label ? label.textContent.trim() : "";
      box.querySelectorAll("[role=slider]").forEach(h => { if (name && !h.getAttribute("aria-label")) h.setAttribute("aria-label", name); });
    });
  };
  const later = () => { clearTimeout(timer); timer = setTimeout(() => { nameSliders(); report(); }, 120); };
  const resized = new ResizeObserver(later);
  resized.observe(img);
  const ratio = window.matchMedia ? window.matchMedia("(resolution: " + (window.devicePixelRatio || 1) + "dppx)") : null;
  if (ratio) ratio.addEventListener("change", later);
  img.addEventListener("load", later);
  model.on("change:value", show);
  model.on("change:alt", label);
  show();
  label();
  return () => {
    resized.disconnect();
    if (ratio) ratio.removeEventListener("change", later);
    clearTimeout(timer);
    model.off("change:value", show);
    model.off("change:alt", label);
    if (url) URL.revokeObjectURL(url);
  };
}
export default { render };
"""

MIN_DPI, MAX_DPI = 24.0, 400.0
TOLERANCE = 0.03          # a size change under 3 % is not worth a redraw


class Picture(anywidget.AnyWidget):
    """A PNG (``value``, bytes) with alt text (``alt``) that reports the size it is shown at (``shown``)."""

    _esm = ESM
    value = traitlets.Bytes(b"").tag(sync=True)
    format = traitlets.Unicode("png").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    shown = traitlets.Dict({}).tag(sync=True)


def fit_dpi(figure, shown):
    """The dpi at which ``figure`` fills ``shown`` (the browser's report) pixel for pixel, or None when the
    report is unusable or the figure is already drawn within ``TOLERANCE`` of it."""
    try:
        width, ratio = float(shown["width"]), float(shown.get("ratio", 1))
    except (KeyError, TypeError, ValueError):
        return None
    if not (width > 0 and ratio > 0):
        return None
    dpi = float(min(max(width * ratio / figure.get_figwidth(), MIN_DPI), MAX_DPI))
    return None if abs(dpi - figure.dpi) <= TOLERANCE * figure.dpi else dpi
