// The composer's image redaction (templates/posts/form.html). It only enhances the form:
// without it, the server still checks every image on submit and lists what it found.
//
// When the author picks an image, it is sent to the check endpoint, which streams its
// progress and then the findings (NDJSON). The image is shown with each finding pre-filled
// as a redaction box; boxes can be switched between blur and black, moved, resized,
// deleted and drawn with a mouse, touch or the keyboard, and a crop set the same way. The
// boxes and crop go into the slot's hidden field as JSON, which the server validates and
// applies itself; the preview drawn here is only a preview.

const MIN_SIZE = 4;
const MAX_REGIONS = 40;
const PREVIEW_WIDTH = 640;
const BLUR_CELLS = 6;
const FACE_MARGIN = 0.3;
const TEXT_MARGIN = 0.15;

function postKind(form) {
  // The kind chosen in the composer (a hidden field its kind links swap), or the kind of
  // the post being edited.
  const field = form.querySelector("[name=kind]");
  return field ? field.value : form.dataset.postKind || "";
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

function clamp(value, low, high) {
  return Math.min(high, Math.max(low, value));
}

function contains(outer, inner) {
  return (
    outer.x <= inner.x &&
    outer.y <= inner.y &&
    outer.x + outer.width >= inner.x + inner.width &&
    outer.y + outer.height >= inner.y + inner.height
  );
}

function overlaps(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

class Redactor {
  constructor({ form, slot, input, hidden, host }) {
    Object.assign(this, { form, slot, input, hidden, host });
    this.reset();
  }

  reset() {
    this.findings = [];
    this.regions = [];
    this.crop = null;
    this.selected = null;
    this.width = 0;
    this.height = 0;
    this.nextId = 1;
    this.drag = null;
    if (this.hidden) this.hidden.value = "";
    this.host.replaceChildren();
  }

  // --- Checking ------------------------------------------------------------------------

  async check() {
    this.reset();
    const file = this.input.files && this.input.files[0];
    if (!file) return;
    const stage = element("span", { text: "Sending the image" });
    const bar = element("progress", { max: "1", value: "0", "aria-labelledby": `redact-progress-${this.slot}` });
    this.host.append(
      element(
        "div",
        { class: "redactor-progress" },
        element("p", { id: `redact-progress-${this.slot}`, role: "status" }, `Checking image ${this.slot} for patient information: `, stage),
        bar,
      ),
    );
    const body = new FormData();
    body.append("image", file);
    body.append("kind", postKind(this.form));
    body.append("csrfmiddlewaretoken", this.form.querySelector("input[name=csrfmiddlewaretoken]").value);
    let result = null;
    try {
      const response = await fetch(this.form.dataset.imageCheck, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "application/x-ndjson, application/json" },
      });
      if (!response.ok) {
        this.fail(await this.refusal(response));
        return;
      }
      result = await this.read(response, (line) => {
        stage.textContent = line.stage;
        bar.value = line.done;
      });
    } catch {
      this.fail("The image could not be checked here (no connection?). It is checked again when you publish.");
      return;
    }
    if (!result || result.error) {
      this.fail((result && result.error) || "The image could not be checked. It is checked again when you publish.");
      return;
    }
    this.width = result.width;
    this.height = result.height;
    this.findings = result.findings.map((finding, index) => ({ ...finding, number: index + 1 }));
    for (const finding of this.findings) {
      // Detectors box a face from brows to chin and words tightly: the boxes grow a little.
      const margin = finding.kind === "face" ? FACE_MARGIN : TEXT_MARGIN;
      this.addRegion({ ...this.grown(finding.box, margin), style: finding.kind === "face" ? "blur" : "black" }, finding.number);
    }
    this.selected = null;
    const source = result.preview || (await this.dataUrl(file));
    this.render(source);
  }

  async refusal(response) {
    if (response.status === 429) {
      return "Too many image checks for now. Wait a little, or publish: the image is checked then.";
    }
    try {
      const data = await response.json();
      if (data.error) return data.error;
    } catch {
      // Not JSON: a sign-in page or a proxy's error.
    }
    return "The image could not be checked. It is checked again when you publish.";
  }

  async read(response, onProgress) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let last = null;
    for (;;) {
      const { value, done } = await reader.read();
      buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const text = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (!text) continue;
        const line = JSON.parse(text);
        if ("stage" in line) onProgress(line);
        if ("findings" in line || "error" in line) last = line;
      }
      if (done) return last;
    }
  }

  dataUrl(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
  }

  fail(message) {
    this.host.replaceChildren(element("p", { class: "redactor-error", role: "alert", text: message }));
  }

  // --- The model -------------------------------------------------------------------------

  addRegion(box, finding = null) {
    if (this.regions.length >= MAX_REGIONS) {
      this.announce(`At most ${MAX_REGIONS} boxes on one image.`);
      return null;
    }
    const region = { id: this.nextId++, finding, style: box.style || "black", ...this.fit(box) };
    this.regions.push(region);
    return region;
  }

  grown(box, margin) {
    const dx = Math.max(4, Math.round(box.width * margin));
    const dy = Math.max(4, Math.round(box.height * margin));
    const x = Math.max(0, box.x - dx);
    const y = Math.max(0, box.y - dy);
    return {
      x,
      y,
      width: Math.min(this.width, box.x + box.width + dx) - x,
      height: Math.min(this.height, box.y + box.height + dy) - y,
    };
  }

  fit(box) {
    const width = clamp(Math.round(box.width), MIN_SIZE, this.width);
    const height = clamp(Math.round(box.height), MIN_SIZE, this.height);
    return {
      x: clamp(Math.round(box.x), 0, this.width - width),
      y: clamp(Math.round(box.y), 0, this.height - height),
      width,
      height,
    };
  }

  target(id) {
    if (id === "crop") return this.crop;
    return this.regions.find((region) => region.id === id) || null;
  }

  label(id) {
    return id === "crop" ? "The crop" : `Box ${this.regions.findIndex((r) => r.id === id) + 1}`;
  }

  save() {
    if (!this.hidden) return;
    const box = ({ x, y, width, height }) => ({ x, y, width, height });
    this.hidden.value = JSON.stringify({
      regions: this.regions.map((region) => ({ ...box(region), style: region.style })),
      crop: this.crop ? box(this.crop) : null,
    });
  }

  coverage(finding) {
    const box = finding.box;
    if (this.crop && !overlaps(this.crop, box)) return "cropped away";
    const cover = this.regions.findIndex((region) => contains(region, box));
    if (cover >= 0) return `covered by box ${cover + 1} (${this.regions[cover].style === "blur" ? "blurred" : "black"})`;
    return null;
  }

  // --- Drawing -----------------------------------------------------------------------------

  render(source) {
    const number = this.slot;
    this.image = element("img", { src: source, alt: `Image ${number}, with the boxes that will be redacted`, draggable: "false" });
    this.stage = element("div", { class: "redactor-stage" }, this.image);
    this.layer = element("div", { class: "redactor-layer" });
    this.stage.append(this.layer);
    this.styleSelect = element(
      "select",
      { id: `redact-style-${number}` },
      element("option", { value: "blur", text: "Blur" }),
      element("option", { value: "black", text: "Black" }),
    );
    const addButton = element("button", { type: "button", class: "button-small", text: "Add box" });
    this.cropButton = element("button", { type: "button", class: "button-small button-secondary", text: "Set crop" });
    this.deleteButton = element("button", { type: "button", class: "button-small button-secondary", text: "Delete box" });
    const removeImage = element("button", { type: "button", class: "button-small button-danger", text: "Remove image" });
    this.styleField = element(
      "span",
      { class: "redactor-style" },
      element("label", { for: `redact-style-${number}`, text: "Selected box:" }),
      this.styleSelect,
    );
    this.statusLine = element("p", { class: "redactor-status", "aria-live": "polite" });
    this.summary = element("p", { class: "redactor-summary", role: "status" });
    this.list = element("ol", { class: "privacy-findings redactor-findings" });
    this.canvas = element("canvas", { class: "redactor-preview", role: "img", "aria-label": `Preview of image ${number} as it will be published` });
    const helpId = `redact-help-${number}`;
    this.helpId = helpId;
    this.host.replaceChildren(
      element(
        "section",
        { class: "redactor", "aria-labelledby": `redact-title-${number}` },
        element("h3", { id: `redact-title-${number}`, text: `Redact image ${number}` }),
        this.summary,
        element("div", { class: "redactor-tools", role: "group", "aria-label": `Tools for image ${number}` }, addButton, this.cropButton, this.styleField, this.deleteButton, removeImage),
        element("p", {
          class: "help",
          id: helpId,
          text: "Draw a box by dragging on the image. Select a box to move it with the arrow keys, resize it with Shift and the arrow keys, switch it between blur and black with B, and remove it with Delete.",
        }),
        this.stage,
        this.statusLine,
        element("h4", { text: this.findings.length ? "What we found" : "We found nothing to redact in this image" }),
        this.list,
        element("h4", { text: "What will be published" }),
        this.canvas,
      ),
    );
    addButton.addEventListener("click", () => this.addByKeyboard());
    this.cropButton.addEventListener("click", () => this.toggleCrop());
    this.deleteButton.addEventListener("click", () => this.removeSelected());
    removeImage.addEventListener("click", () => {
      this.input.value = "";
      this.reset();
      this.input.focus();
      this.input.dispatchEvent(new Event("input"));
    });
    this.styleSelect.addEventListener("change", () => {
      const region = this.target(this.selected);
      if (region && this.selected !== "crop") {
        region.style = this.styleSelect.value;
        this.update(`${this.label(region.id)} is now ${region.style === "blur" ? "blurred" : "black"}.`);
      }
    });
    this.stage.addEventListener("pointerdown", (event) => this.pointerDown(event));
    this.stage.addEventListener("pointermove", (event) => this.pointerMove(event));
    this.stage.addEventListener("pointerup", (event) => this.pointerUp(event));
    this.stage.addEventListener("pointercancel", (event) => this.pointerUp(event));
    if (this.image.complete) this.update();
    else this.image.addEventListener("load", () => this.update(), { once: true });
  }

  update(message = "") {
    this.save();
    this.drawBoxes();
    this.renderFindings();
    this.renderSummary();
    this.renderTools();
    this.drawPreview();
    if (message) this.announce(message);
  }

  announce(message) {
    if (this.statusLine) this.statusLine.textContent = message;
  }

  percent(value, total) {
    return `${(100 * value) / total}%`;
  }

  place(node, box) {
    node.style.left = this.percent(box.x, this.width);
    node.style.top = this.percent(box.y, this.height);
    node.style.width = this.percent(box.width, this.width);
    node.style.height = this.percent(box.height, this.height);
  }

  drawBoxes() {
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.box : null;
    this.layer.replaceChildren();
    if (this.crop) {
      const crop = element("div", {
        class: `redact-crop${this.selected === "crop" ? " is-selected" : ""}`,
        tabindex: "0",
        role: "button",
        "data-box": "crop",
        "aria-pressed": this.selected === "crop" ? "true" : "false",
        "aria-label": `Crop: keeps ${this.crop.width} by ${this.crop.height} pixels from ${this.crop.x},${this.crop.y}`,
        "aria-describedby": this.helpId,
      });
      this.place(crop, this.crop);
      crop.append(element("span", { class: "redact-handle", "data-handle": "crop", "aria-hidden": "true" }));
      this.wire(crop, "crop");
      this.layer.append(crop);
    }
    this.regions.forEach((region, index) => {
      const finding = region.finding ? ` over finding ${region.finding}` : "";
      const box = element(
        "div",
        {
          class: `redact-box redact-${region.style}${this.selected === region.id ? " is-selected" : ""}`,
          tabindex: "0",
          role: "button",
          "data-box": String(region.id),
          "aria-pressed": this.selected === region.id ? "true" : "false",
          "aria-label": `Box ${index + 1}, ${region.style === "blur" ? "blurred" : "black"}${finding}`,
          "aria-describedby": this.helpId,
        },
        element("span", { class: "redact-number", text: String(index + 1), "aria-hidden": "true" }),
        element("span", { class: "redact-handle", "data-handle": String(region.id), "aria-hidden": "true" }),
      );
      this.place(box, region);
      this.wire(box, region.id);
      this.layer.append(box);
    });
    if (focused) {
      const again = this.layer.querySelector(`[data-box="${focused}"]`);
      if (again) again.focus({ preventScroll: true });
    }
  }

  wire(node, id) {
    node.addEventListener("focus", () => {
      if (this.selected !== id) {
        this.selected = id;
        this.drawBoxesSoon();
      }
    });
    node.addEventListener("keydown", (event) => this.keyDown(event, id));
  }

  drawBoxesSoon() {
    // Re-render after the focus event so the focused node keeps focus.
    queueMicrotask(() => {
      this.drawBoxes();
      this.renderTools();
    });
  }

  renderTools() {
    const region = this.selected !== null && this.selected !== "crop" ? this.target(this.selected) : null;
    this.styleSelect.disabled = !region;
    if (region) this.styleSelect.value = region.style;
    this.deleteButton.disabled = this.selected === null;
    this.deleteButton.textContent = this.selected === "crop" ? "Remove crop" : "Delete box";
    this.cropButton.textContent = this.crop ? "Remove crop" : "Set crop";
  }

  renderFindings() {
    this.list.replaceChildren(
      ...this.findings.map((finding) => {
        const coverage = this.coverage(finding);
        const words = finding.text ? `: “${finding.text}”` : "";
        const advice = coverage ? `Now ${coverage}.` : "Not covered: draw a box over it or crop it away.";
        return element(
          "li",
          { value: String(finding.number), class: `phi-finding phi-finding-${finding.confidence}` },
          element("strong", { text: `${finding.label} — ${finding.confidence} confidence` }),
          `${words}, in the ${finding.where}. ${finding.explanation} `,
          element("em", { text: advice }),
        );
      }),
    );
  }

  renderSummary() {
    if (!this.summary) return;
    const open = this.findings.filter((finding) => !this.coverage(finding));
    const high = open.filter((finding) => finding.confidence === "high");
    const isCase = postKind(this.form) === "case";
    let text;
    let state;
    if (!this.findings.length) {
      [text, state] = ["We found nothing that looks like patient information. Check the image yourself too.", "ok"];
    } else if (!open.length) {
      [text, state] = ["Everything we found is covered or cropped away.", "ok"];
    } else if (isCase && high.length) {
      text = `Publishing is blocked: ${plural(high.length, "finding", "findings")} marked high confidence ${high.length === 1 ? "is" : "are"} not covered. Cover ${high.length === 1 ? "it" : "them"} with a box, crop ${high.length === 1 ? "it" : "them"} away or remove the image.`;
      state = "blocked";
    } else {
      text = `${plural(open.length, "finding is", "findings are")} not covered: you will be asked to confirm when you publish.`;
      state = "warn";
    }
    this.summary.textContent = text;
    this.summary.className = `redactor-summary redactor-summary-${state}`;
  }

  drawPreview() {
    if (!this.image.complete || !this.image.naturalWidth) return;
    const crop = this.crop || { x: 0, y: 0, width: this.width, height: this.height };
    const scale = Math.min(1, PREVIEW_WIDTH / this.width);
    const full = document.createElement("canvas");
    full.width = Math.max(1, Math.round(this.width * scale));
    full.height = Math.max(1, Math.round(this.height * scale));
    const context = full.getContext("2d");
    context.drawImage(this.image, 0, 0, full.width, full.height);
    for (const region of this.regions) {
      const [x, y, w, h] = [region.x, region.y, region.width, region.height].map((v) => Math.round(v * scale));
      if (w < 1 || h < 1) continue;
      if (region.style === "black") {
        context.fillStyle = "#000";
        context.fillRect(x, y, w, h);
        continue;
      }
      const cell = Math.max(2, Math.ceil(Math.max(w, h) / BLUR_CELLS));
      const small = document.createElement("canvas");
      small.width = Math.max(1, Math.round(w / cell));
      small.height = Math.max(1, Math.round(h / cell));
      small.getContext("2d").drawImage(full, x, y, w, h, 0, 0, small.width, small.height);
      context.imageSmoothingEnabled = true;
      context.drawImage(small, 0, 0, small.width, small.height, x, y, w, h);
    }
    const [cx, cy, cw, ch] = [crop.x, crop.y, crop.width, crop.height].map((v) => Math.round(v * scale));
    this.canvas.width = Math.max(1, cw);
    this.canvas.height = Math.max(1, ch);
    this.canvas.getContext("2d").drawImage(full, cx, cy, cw, ch, 0, 0, this.canvas.width, this.canvas.height);
  }

  // --- Keyboard --------------------------------------------------------------------------

  addByKeyboard() {
    const width = Math.max(MIN_SIZE, Math.round(this.width / 5));
    const height = Math.max(MIN_SIZE, Math.round(this.height / 5));
    const region = this.addRegion({ x: (this.width - width) / 2, y: (this.height - height) / 2, width, height, style: "black" });
    if (!region) return;
    this.selected = region.id;
    this.update(`${this.label(region.id)} added in the centre, black. Move it with the arrow keys; Shift and the arrow keys resize it.`);
    this.focusSelected();
  }

  toggleCrop() {
    if (this.crop) {
      this.crop = null;
      if (this.selected === "crop") this.selected = null;
      this.update("Crop removed: the whole image will be published.");
      return;
    }
    const dx = Math.round(this.width / 10);
    const dy = Math.round(this.height / 10);
    this.crop = this.fit({ x: dx, y: dy, width: this.width - 2 * dx, height: this.height - 2 * dy });
    this.selected = "crop";
    this.update("Crop set: only the area inside it is published. Move it with the arrow keys; Shift and the arrow keys resize it.");
    this.focusSelected();
  }

  removeSelected() {
    if (this.selected === null) return;
    const name = this.label(this.selected);
    if (this.selected === "crop") this.crop = null;
    else this.regions = this.regions.filter((region) => region.id !== this.selected);
    this.selected = null;
    this.update(`${name} removed.`);
    this.stage.closest(".redactor").querySelector(".redactor-tools button").focus();
  }

  focusSelected() {
    const node = this.layer.querySelector(`[data-box="${this.selected}"]`);
    if (node) node.focus();
  }

  keyDown(event, id) {
    const box = this.target(id);
    if (!box) return;
    if (event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      this.selected = id;
      this.removeSelected();
      return;
    }
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      this.selected = id;
      this.announce(`${this.label(id)} selected. Arrow keys move it, Shift and the arrow keys resize it, Delete removes it.`);
      return;
    }
    if ((event.key === "b" || event.key === "B") && id !== "crop") {
      event.preventDefault();
      box.style = box.style === "blur" ? "black" : "blur";
      this.selected = id;
      this.update(`${this.label(id)} is now ${box.style === "blur" ? "blurred" : "black"}.`);
      return;
    }
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const step = Math.max(1, Math.round(Math.max(this.width, this.height) / 100)) * (event.altKey ? 1 : 2);
    const [dx, dy] = move.map((value) => value * step);
    const next = event.shiftKey
      ? this.fit({ x: box.x, y: box.y, width: box.width + dx, height: box.height + dy })
      : this.fit({ ...box, x: box.x + dx, y: box.y + dy });
    Object.assign(box, next);
    this.selected = id;
    const verb = event.shiftKey ? "resized to" : "moved to";
    this.update(`${this.label(id)} ${verb} ${box.width}×${box.height} at ${box.x},${box.y}.`);
  }

  // --- Pointer ---------------------------------------------------------------------------

  point(event) {
    const rect = this.image.getBoundingClientRect();
    return {
      x: clamp(((event.clientX - rect.left) / rect.width) * this.width, 0, this.width),
      y: clamp(((event.clientY - rect.top) / rect.height) * this.height, 0, this.height),
    };
  }

  pointerDown(event) {
    if (event.button !== undefined && event.button !== 0) return;
    const start = this.point(event);
    const handle = event.target.closest("[data-handle]");
    const boxNode = event.target.closest("[data-box]");
    if (handle || boxNode) {
      const id = (handle || boxNode).dataset.handle || boxNode.dataset.box;
      const key = id === "crop" ? "crop" : Number(id);
      const box = this.target(key);
      if (!box) return;
      this.selected = key;
      this.drag = { mode: handle ? "resize" : "move", id: key, start, origin: { ...box } };
    } else {
      this.drag = { mode: "draw", start, id: null };
    }
    event.preventDefault();
    this.stage.setPointerCapture(event.pointerId);
  }

  pointerMove(event) {
    if (!this.drag) return;
    const at = this.point(event);
    const drag = this.drag;
    const dx = at.x - drag.start.x;
    const dy = at.y - drag.start.y;
    if (drag.mode === "draw") {
      if (Math.abs(dx) < MIN_SIZE && Math.abs(dy) < MIN_SIZE) return;
      const box = {
        x: Math.min(at.x, drag.start.x),
        y: Math.min(at.y, drag.start.y),
        width: Math.abs(dx),
        height: Math.abs(dy),
      };
      if (drag.id === null) {
        const region = this.addRegion({ ...box, style: "black" });
        if (!region) {
          this.drag = null;
          return;
        }
        drag.id = region.id;
        this.selected = region.id;
      }
      Object.assign(this.target(drag.id), this.fit(box));
    } else {
      const box = this.target(drag.id);
      const origin = drag.origin;
      Object.assign(
        box,
        drag.mode === "move"
          ? this.fit({ ...origin, x: origin.x + dx, y: origin.y + dy })
          : this.fit({ ...origin, width: origin.width + dx, height: origin.height + dy }),
      );
    }
    this.drawBoxes();
  }

  pointerUp(event) {
    if (!this.drag) return;
    const drag = this.drag;
    this.drag = null;
    if (this.stage.hasPointerCapture(event.pointerId)) this.stage.releasePointerCapture(event.pointerId);
    if (drag.id === null) {
      this.update();
      return;
    }
    const box = this.target(drag.id);
    const name = this.label(drag.id);
    const verb = { draw: "drawn", move: "moved", resize: "resized" }[drag.mode];
    this.update(`${name} ${verb}: ${box.width}×${box.height} at ${box.x},${box.y}.`);
    this.focusSelected();
  }
}

const form = document.querySelector("form[data-image-check]");
if (form) {
  const editors = [];
  for (const input of form.querySelectorAll("input[type=file][data-redact-slot]")) {
    const slot = input.dataset.redactSlot;
    const editor = new Redactor({
      form,
      slot,
      input,
      hidden: form.querySelector(`input[data-redaction-for="${slot}"]`),
      host: form.querySelector(`[data-redactor-for="${slot}"]`),
    });
    input.addEventListener("change", () => editor.check());
    editors.push(editor);
  }
  // A case blocks on high-confidence findings, other kinds ask for a confirmation: the
  // summaries follow when the composer swaps in another kind's fields.
  document.body.addEventListener("htmx:afterSettle", () => editors.forEach((e) => e.renderSummary()));
}
