/* The convolution explorer: set i, k, p, s, d (and output_padding for a transposed convolution) and see the
 * grid the kernel slides over, the output, and the output-size formula with its terms filled in.
 *
 * Plain JavaScript, no library, no network: it runs on the built page, from a web server or from a file.
 * The geometry is that of the course package's ConvolutionLayout (aecourse/convolution/layout.py); a transposed
 * convolution is drawn as the chapter's recipe (s - 1 zeros between pixels, a border of d(k - 1) - p zeros,
 * output_padding more at the bottom and right, then a stride-1 convolution). The words for an impossible setting
 * come from the page (data-refusals, written from aecourse.convolution.sizes.Refusal when the book is built).
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var CELL = 20;
  var MAX_DRAWN = 64; // cells per side beyond which the grid is not drawn (the sizes are still computed)
  var FIELDS = [
    { name: "i", label: "input size", value: 5, min: 1, max: 32 },
    { name: "k", label: "kernel size", value: 3, min: 1, max: 9 },
    { name: "p", label: "padding (zeros on each side)", value: 1, min: 0, max: 9 },
    { name: "s", label: "stride", value: 2, min: 1, max: 6 },
    { name: "d", label: "dilation", value: 1, min: 1, max: 4 },
    { name: "a", label: "output_padding", value: 0, min: 0, max: 5, transposedOnly: true },
  ];
  var TERM_NAMES = { i: "i", k: "k", p: "p", s: "s", d: "d", a: "output_padding" };
  var POSITIVE = ["i", "k", "s", "d"];
  var KIND_LABELS = {
    input: "input pixel", padding: "zero padding", inserted: "inserted zero", cropped: "cropped",
  };
  var instances = 0;

  function number(value) {
    return value < 0 ? "\u2212" + Math.abs(value) : String(value);
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svgElement(tag, attributes) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  /* One axis of a convolution's geometry, as ConvolutionLayout computes it. */
  function Layout(n, k, before, after, stride, dilation, between) {
    this.n = n; this.k = k; this.before = before; this.after = after;
    this.stride = stride; this.dilation = dilation; this.between = between;
    this.expanded = (n - 1) * (between + 1) + 1;
    this.drawn = Math.max(before, 0) + this.expanded + Math.max(after, 0);
    this.activeStart = Math.max(-before, 0);
    this.active = this.expanded + before + after;
    this.extent = dilation * (k - 1) + 1;
    this.output = Math.floor((this.active - this.extent) / stride) + 1;
  }

  Layout.prototype.kind = function (index) {
    var position = index - Math.max(this.before, 0);
    if (position < 0 || position >= this.expanded) return "padding";
    if (position < -this.before || position >= this.expanded + Math.min(this.after, 0)) return "cropped";
    return position % (this.between + 1) === 0 ? "input" : "inserted";
  };

  function cellKind(rowKind, columnKind) {
    var order = ["cropped", "padding", "inserted", "input"];
    for (var index = 0; index < order.length; index++) {
      if (rowKind === order[index] || columnKind === order[index]) return order[index];
    }
    return "input";
  }

  /* Read a field: an integer, or null with the text that was typed. */
  function readField(input) {
    var text = input.value.trim();
    var value = Number(text);
    return { text: text, value: text !== "" && Number.isInteger(value) ? value : null };
  }

  /* The output size of a setting, or the refusal the course's formulas give, checked in their order. */
  function evaluate(mode, v, raw, words) {
    var names = mode === "transposed" ? ["p", "a"] : ["p"];
    for (var index = 0; index < POSITIVE.length; index++) {
      var name = POSITIVE[index];
      if (v[name] === null || v[name] < 1) {
        return { refusal: "NOT_POSITIVE", field: name,
                 detail: TERM_NAMES[name] + " " + words.NOT_POSITIVE + "; found " + TERM_NAMES[name] + " = " + shown(raw[name]) };
      }
    }
    for (index = 0; index < names.length; index++) {
      name = names[index];
      if (v[name] === null || v[name] < 0) {
        return { refusal: "NEGATIVE", field: name,
                 detail: TERM_NAMES[name] + " " + words.NEGATIVE + "; found " + TERM_NAMES[name] + " = " + shown(raw[name]) };
      }
    }
    var extent = v.d * (v.k - 1) + 1;
    if (mode === "convolution") {
      var padded = v.i + 2 * v.p;
      if (padded < extent) {
        return { refusal: "KERNEL_LARGER_THAN_INPUT", field: "k",
                 detail: words.KERNEL_LARGER_THAN_INPUT + ": the kernel spans d(k \u2212 1) + 1 = " + extent +
                         " pixels, the padded input only i + 2p = " + padded };
      }
      return { output: Math.floor((padded - extent) / v.s) + 1 };
    }
    if (v.a >= v.s && v.a >= v.d) {
      return { refusal: "OUTPUT_PADDING_TOO_LARGE", field: "a",
               detail: words.OUTPUT_PADDING_TOO_LARGE + "; found output_padding = " + v.a + ", s = " + v.s + ", d = " + v.d };
    }
    var size = (v.i - 1) * v.s - 2 * v.p + v.d * (v.k - 1) + 1 + v.a;
    if (size < 1) {
      return { refusal: "NO_OUTPUT", field: "p",
               detail: words.NO_OUTPUT + ": o = " + number(size) };
    }
    return { output: size };
  }

  function plural(count, noun) {
    return count + " " + noun + (count === 1 ? "" : "s");
  }

  function shown(text) {
    return text === "" ? "nothing (the field is empty)" : text.replace(/^-/, "\u2212");
  }

  /* The general formula, then the same with the numbers filled in, then its value. */
  function formulaLines(mode, v) {
    if (mode === "convolution") {
      var numerator = v.i + 2 * v.p - v.d * (v.k - 1) - 1;
      return ["o = \u230a(i + 2p \u2212 d(k \u2212 1) \u2212 1) / s\u230b + 1",
              "= \u230a(" + v.i + " + 2\u00b7" + v.p + " \u2212 " + v.d + "\u00b7(" + v.k + " \u2212 1) \u2212 1) / " + v.s +
              "\u230b + 1 = \u230a" + number(numerator) + " / " + v.s + "\u230b + 1 = " +
              number(Math.floor(numerator / v.s) + 1)];
    }
    return ["o = (i \u2212 1)s \u2212 2p + d(k \u2212 1) + 1 + output_padding",
            "= (" + v.i + " \u2212 1)\u00b7" + v.s + " \u2212 2\u00b7" + v.p + " + " + v.d + "\u00b7(" + v.k +
            " \u2212 1) + 1 + " + v.a + " = " + number((v.i - 1) * v.s - 2 * v.p + v.d * (v.k - 1) + 1 + v.a)];
  }

  function layoutOf(mode, v) {
    if (mode === "convolution") return new Layout(v.i, v.k, v.p, v.p, v.s, v.d, 0);
    var border = v.d * (v.k - 1) - v.p;
    return new Layout(v.i, v.k, border, border + v.a, 1, v.d, v.s - 1);
  }

  function Explorer(root) {
    this.root = root;
    this.id = "conv-explorer-" + (++instances);
    this.words = JSON.parse(root.getAttribute("data-refusals"));
    this.mode = root.getAttribute("data-mode") === "transposed" ? "transposed" : "convolution";
    this.build();
    this.update();
  }

  Explorer.prototype.build = function () {
    var self = this, id = this.id;
    this.root.textContent = "";
    var form = element("form", { class: "cx-form", "aria-label": "Convolution explorer settings" });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var layer = element("fieldset", { class: "cx-layer" });
    layer.appendChild(element("legend", {}, "Layer"));
    this.modeInputs = {};
    [["convolution", "Convolution"], ["transposed", "Transposed convolution"]].forEach(function (choice) {
      var label = element("label", {});
      var radio = element("input", { type: "radio", name: id + "-mode", value: choice[0] });
      radio.checked = choice[0] === self.mode;
      radio.addEventListener("change", function () { if (radio.checked) { self.mode = choice[0]; self.update(); } });
      self.modeInputs[choice[0]] = radio;
      label.appendChild(radio);
      label.appendChild(document.createTextNode(" " + choice[1]));
      layer.appendChild(label);
    });
    form.appendChild(layer);
    var settings = element("fieldset", { class: "cx-settings" });
    settings.appendChild(element("legend", {}, "Settings"));
    this.inputs = {};
    this.fieldBoxes = {};
    FIELDS.forEach(function (field) {
      var box = element("div", { class: "cx-field" });
      var label = element("label", { for: id + "-" + field.name });
      label.appendChild(document.createTextNode(field.label + " "));
      label.appendChild(element("var", {}, field.name === "a" ? "a" : field.name));
      var input = element("input", { type: "number", id: id + "-" + field.name, name: field.name, step: "1",
                                      min: String(field.min), max: String(field.max), value: String(field.value),
                                      inputmode: "numeric" });
      input.addEventListener("input", function () { self.update(); });
      box.appendChild(label);
      box.appendChild(input);
      settings.appendChild(box);
      self.inputs[field.name] = input;
      self.fieldBoxes[field.name] = box;
    });
    form.appendChild(settings);
    this.root.appendChild(form);

    this.formula = element("p", { class: "cx-formula" });
    this.root.appendChild(this.formula);
    var status = element("div", { class: "cx-status", role: "status" });
    this.output = element("p", { class: "cx-output" });
    this.problem = element("p", { class: "cx-problem" });
    status.appendChild(this.output);
    status.appendChild(this.problem);
    this.root.appendChild(status);

    var figure = element("figure", { class: "cx-figure" });
    this.drawing = element("div", { class: "cx-drawing" });
    this.description = element("figcaption", { class: "cx-description", id: id + "-description" });
    figure.appendChild(this.drawing);
    figure.appendChild(this.description);
    this.root.appendChild(figure);

    this.positionBox = element("div", { class: "cx-position" });
    var positionLabel = element("label", { for: id + "-position" }, "Kernel position ");
    this.position = element("input", { type: "range", id: id + "-position", min: "1", max: "1", value: "1", step: "1" });
    this.positionText = element("output", { for: id + "-position", class: "cx-position-text" });
    this.position.addEventListener("input", function () { self.draw(); });
    this.positionBox.appendChild(positionLabel);
    this.positionBox.appendChild(this.position);
    this.positionBox.appendChild(this.positionText);
    this.root.appendChild(this.positionBox);

    var legend = element("ul", { class: "cx-legend", "aria-label": "Legend of the drawing" });
    ["input", "padding", "inserted", "cropped", "kernel", "output", "current"].forEach(function (kind) {
      var item = element("li", { "data-kind": kind });
      item.appendChild(element("span", { class: "cx-swatch cx-swatch-" + kind, "aria-hidden": "true" }));
      item.appendChild(document.createTextNode(KIND_LABELS[kind] || { kernel: "kernel taps (dashed: its span)",
        output: "output pixel written", current: "output pixel being written" }[kind]));
      legend.appendChild(item);
    });
    this.legend = legend;
    this.root.appendChild(legend);
  };

  Explorer.prototype.values = function () {
    var values = {}, raw = {};
    var self = this;
    FIELDS.forEach(function (field) {
      var read = readField(self.inputs[field.name]);
      values[field.name] = read.value;
      raw[field.name] = read.text;
    });
    if (this.mode === "convolution") { values.a = 0; raw.a = "0"; }
    return { values: values, raw: raw };
  };

  Explorer.prototype.update = function () {
    var transposed = this.mode === "transposed";
    this.root.setAttribute("data-mode", this.mode);
    this.fieldBoxes.a.hidden = !transposed;
    var read = this.values();
    var v = read.values;
    var result = evaluate(this.mode, v, read.raw, this.words);
    this.result = result;
    this.settings = v;
    var self = this;
    FIELDS.forEach(function (field) {
      if (result.field === field.name) self.inputs[field.name].setAttribute("aria-invalid", "true");
      else self.inputs[field.name].removeAttribute("aria-invalid");
    });
    var numeric = result.refusal !== "NOT_POSITIVE" && result.refusal !== "NEGATIVE";
    this.formula.textContent = "";
    var lines = numeric ? formulaLines(this.mode, v) : formulaLines(this.mode, { i: "i", k: "k", p: "p", s: "s", d: "d", a: "a" }).slice(0, 1);
    lines.forEach(function (line, index) {
      if (index) self.formula.appendChild(element("br"));
      self.formula.appendChild(element("span", { class: index ? "cx-formula-filled" : "cx-formula-general" }, line));
    });
    if (result.refusal) {
      this.output.textContent = "Output: none";
      this.problem.textContent = "Impossible: " + result.detail + ".";
      this.root.classList.add("cx-impossible");
    } else {
      this.output.textContent = "Output: " + result.output + " \u00d7 " + result.output;
      this.problem.textContent = "";
      this.root.classList.remove("cx-impossible");
    }
    this.draw();
  };

  Explorer.prototype.draw = function () {
    var v = this.settings, result = this.result;
    this.drawing.textContent = "";
    var drawable = !result.refusal || result.refusal === "KERNEL_LARGER_THAN_INPUT";
    var layout = drawable ? layoutOf(this.mode, v) : null;
    var steps = result.refusal ? 0 : layout.output * layout.output;
    this.positionBox.hidden = steps < 2;
    this.position.max = String(Math.max(steps, 1));
    if (Number(this.position.value) > steps) this.position.value = "1";
    if (!layout) {
      this.description.textContent = "Nothing is drawn: the setting is impossible.";
      this.legend.hidden = true;
      return;
    }
    if (Math.max(layout.drawn, result.refusal ? 0 : layout.output) > MAX_DRAWN) {
      this.description.textContent = "The grid has " + layout.drawn + " cells per side, too many to draw here; " +
        "the formula above still gives the size.";
      this.positionBox.hidden = true;
      this.legend.hidden = true;
      return;
    }
    var step = Number(this.position.value) - 1;
    var row = Math.floor(step / Math.max(layout.output, 1)), column = step % Math.max(layout.output, 1);
    this.drawing.appendChild(this.svg(layout, result.refusal ? null : { row: row, column: column }));
    this.showLegend(layout, !result.refusal);
    this.describe(layout, result.refusal ? null : { row: row, column: column, step: step, steps: steps });
  };

  Explorer.prototype.svg = function (layout, at) {
    var id = this.id;
    var gap = 2, n = layout.drawn, o = at ? layout.output : 0;
    var span = at ? 0 : layout.extent; // an impossible kernel is drawn at its full span, beyond the input
    var height = Math.max(n, o, span) * CELL + 2;
    var width = (Math.max(n, span) + (o ? gap + o : 0)) * CELL + 2;
    var svg = svgElement("svg", { viewBox: "-1 -1 " + width + " " + height, class: "cx-svg", role: "img",
                                  "aria-labelledby": id + "-description", focusable: "false" });
    svg.style.maxWidth = Math.min(width * 1.2, 720) + "px";
    var defs = svgElement("defs", {});
    defs.appendChild(pattern(id + "-hatch", "M0,8 L8,0", 8));
    defs.appendChild(pattern(id + "-dots", null, 6));
    defs.appendChild(pattern(id + "-cross", "M0,8 L8,0 M0,0 L8,8", 8));
    svg.appendChild(defs);
    var kinds = [];
    for (var index = 0; index < n; index++) kinds.push(layout.kind(index));
    for (var r = 0; r < n; r++) {
      for (var c = 0; c < n; c++) {
        var kind = cellKind(kinds[r], kinds[c]);
        svg.appendChild(svgElement("rect", { x: c * CELL, y: r * CELL, width: CELL, height: CELL, class: "cx-cell cx-" + kind,
                                             fill: kind === "input" ? "#56B4E9" : kind === "cropped" ? "#E6E6E6" : "#ffffff" }));
        if (kind !== "input") {
          var texture = { padding: "hatch", inserted: "dots", cropped: "cross" }[kind];
          svg.appendChild(svgElement("rect", { x: c * CELL, y: r * CELL, width: CELL, height: CELL,
                                               fill: "url(#" + id + "-" + texture + ")", class: "cx-texture" }));
        }
      }
    }
    var start = layout.activeStart;
    if (!at) {
      svg.appendChild(svgElement("rect", { x: start * CELL, y: start * CELL, width: span * CELL, height: span * CELL,
                                           class: "cx-span cx-span-too-large" }));
      return svg;
    }
    var top = start + at.row * layout.stride, left = start + at.column * layout.stride;
    for (var down = 0; down < layout.k; down++) {
      for (var across = 0; across < layout.k; across++) {
        svg.appendChild(svgElement("rect", { x: (left + across * layout.dilation) * CELL, y: (top + down * layout.dilation) * CELL,
                                             width: CELL, height: CELL, class: "cx-tap" }));
      }
    }
    svg.appendChild(svgElement("rect", { x: left * CELL, y: top * CELL, width: layout.extent * CELL,
                                         height: layout.extent * CELL, class: "cx-span" }));
    var offset = (n + gap) * CELL;
    for (r = 0; r < o; r++) {
      for (c = 0; c < o; c++) {
        var written = r * o + c <= at.row * o + at.column; // cells are written row by row, as in the animations
        svg.appendChild(svgElement("rect", { x: offset + c * CELL, y: r * CELL, width: CELL, height: CELL,
                                             class: "cx-cell cx-output-cell", fill: written ? "#E69F00" : "#ffffff" }));
      }
    }
    svg.appendChild(svgElement("rect", { x: offset + at.column * CELL, y: at.row * CELL, width: CELL, height: CELL,
                                         class: "cx-current" }));
    return svg;
  };

  /* The legend lists the kinds of cell the drawing shows. */
  Explorer.prototype.showLegend = function (layout, withOutput) {
    this.legend.hidden = false;
    var kinds = {};
    for (var index = 0; index < layout.drawn; index++) kinds[layout.kind(index)] = true;
    var items = this.legend.querySelectorAll("li");
    for (index = 0; index < items.length; index++) {
      var kind = items[index].getAttribute("data-kind");
      items[index].hidden = kind in KIND_LABELS ? !kinds[kind] : kind !== "kernel" && !withOutput;
    }
  };

  function pattern(id, path, size) {
    var node = svgElement("pattern", { id: id, width: size, height: size, patternUnits: "userSpaceOnUse" });
    if (path) node.appendChild(svgElement("path", { d: path, stroke: "#7F7F7F", "stroke-width": "1.2" }));
    else node.appendChild(svgElement("circle", { cx: size / 2, cy: size / 2, r: "1.2", fill: "#7F7F7F" }));
    return node;
  }

  /* The drawing in words, for readers who do not see it. */
  Explorer.prototype.describe = function (layout, at) {
    var v = this.settings, parts = [];
    if (this.mode === "transposed") {
      var border = v.d * (v.k - 1) - v.p;
      parts.push("Drawn as the recipe: " + plural(v.s - 1, "inserted zero") +
                 " between neighbouring input pixels, a border of d(k \u2212 1) \u2212 p = " + number(border) +
                 (border < 0 ? " (cells cropped from each side)" : border === 1 ? " zero" : " zeros") +
                 (v.a ? ", and " + plural(v.a, "more row") + " and column" + (v.a === 1 ? "" : "s") +
                  " of zeros at the bottom and right" : "") +
                 "; the kernel then slides with stride 1.");
    }
    parts.push("Input: " + v.i + " \u00d7 " + v.i + " pixels" +
               (this.mode === "convolution" && v.p ? ", with " + plural(v.p, "ring") + " of zero padding" : "") +
               "; " + layout.drawn + " \u00d7 " + layout.drawn + " cells drawn.");
    if (!at) {
      parts.push("The kernel spans " + layout.extent + " \u00d7 " + layout.extent + " cells (dashed), more than the " +
                 layout.active + " \u00d7 " + layout.active + " padded input: there is no output.");
    } else {
      var top = layout.activeStart + at.row * layout.stride, left = layout.activeStart + at.column * layout.stride;
      parts.push("The " + layout.k + " \u00d7 " + layout.k + " kernel" + (layout.dilation > 1 ? " (dilation " + layout.dilation +
                 ", spanning " + layout.extent + " \u00d7 " + layout.extent + " cells)" : "") + " is at position " +
                 (at.step + 1) + " of " + at.steps + ": its top-left tap on row " + (top + 1) + ", column " + (left + 1) +
                 " of the drawn grid. Output: " + layout.output + " \u00d7 " + layout.output + " pixels; it writes row " +
                 (at.row + 1) + ", column " + (at.column + 1) + ".");
      this.positionText.textContent = (at.step + 1) + " of " + at.steps + ": output row " + (at.row + 1) + ", column " + (at.column + 1);
    }
    this.description.textContent = parts.join(" ");
  };

  function start() {
    var roots = document.querySelectorAll(".conv-explorer");
    for (var index = 0; index < roots.length; index++) {
      if (!roots[index].explorer) roots[index].explorer = new Explorer(roots[index]);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
