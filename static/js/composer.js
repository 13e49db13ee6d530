// The composer's enhancements (templates/posts/form.html). Without them the page still
// works: one link per kind of post, plain file inputs with an alt text field each, and
// every check done again by the server when the post is sent.
//
// - The kinds of post: htmx swaps the chosen kind's fields in place; the mark on the
//   chosen kind follows.
// - The live preview beside the form (htmx posts the draft after each pause in typing);
//   this file shows it, and lets a "paused" answer (429) through.
// - Images: one picker (several files at once) and a drop zone fill the form's own image
//   slots in order; each filled slot shows a preview of its image (an object URL, nothing
//   is uploaded for it) beside its alt text field, and a button to remove it.

const form = document.getElementById("composer-form");

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

// --- Kinds of post ---------------------------------------------------------------------

function markChosenKind() {
  const nav = document.getElementById("composer-kinds");
  const input = form.querySelector("input[name=kind]");
  if (!nav || !input) return;
  for (const link of nav.querySelectorAll("a[data-kind]")) {
    if (link.dataset.kind === input.value) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

// After any swap: the kind's fields were swapped in, or something else was (then nothing
// changes).
document.body.addEventListener("htmx:afterSettle", markChosenKind);

// --- Live preview ----------------------------------------------------------------------

const side = document.querySelector(".composer-side");
if (side && window.htmx) {
  side.hidden = false;
  side.addEventListener("htmx:beforeSwap", (event) => {
    // "Paused" (too many previews) is a fragment meant to be shown.
    if (event.detail.xhr.status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
}

// --- Images ----------------------------------------------------------------------------

class ImageSlots {
  constructor(container) {
    this.container = container;
    this.slots = [...container.querySelectorAll(".image-slot")].map((node) => ({
      node,
      number: node.dataset.slot,
      input: node.querySelector("input[type=file]"),
      alt: node.querySelector(".image-slot-alt input"),
      url: null,
      preview: null,
    }));
    this.build();
    for (const slot of this.slots) {
      slot.input.addEventListener("change", () => this.sync(slot));
      // The redaction tool's own "Remove image" empties the input and says so with "input".
      slot.input.addEventListener("input", () => this.sync(slot));
      this.sync(slot);
    }
  }

  build() {
    this.picker = element("input", { type: "file", multiple: "", accept: this.container.dataset.accept || "", hidden: "", "data-image-picker": "" });
    this.chooseButton = element("button", { type: "button", class: "button-secondary button-small", text: "Choose images" });
    this.status = element("p", { class: "image-drop-status", role: "status" });
    this.zone = element(
      "div",
      { class: "image-drop" },
      element("p", { class: "image-drop-text" }, element("strong", { text: "Drag images here" }), " or ", this.chooseButton),
      this.picker,
      this.status,
    );
    this.container.before(this.zone);
    this.container.classList.add("image-slots-enhanced");
    this.chooseButton.addEventListener("click", () => this.picker.click());
    this.picker.addEventListener("change", () => {
      this.add([...this.picker.files]);
      this.picker.value = "";
    });
    for (const name of ["dragenter", "dragover"]) {
      this.zone.addEventListener(name, (event) => {
        event.preventDefault();
        this.zone.classList.add("image-drop-over");
      });
    }
    this.zone.addEventListener("dragleave", () => this.zone.classList.remove("image-drop-over"));
    this.zone.addEventListener("drop", (event) => {
      event.preventDefault();
      this.zone.classList.remove("image-drop-over");
      this.add([...((event.dataTransfer && event.dataTransfer.files) || [])]);
    });
  }

  hasFile(slot) {
    return Boolean(slot.input.files && slot.input.files.length);
  }

  add(files) {
    if (!files.length) return;
    const free = this.slots.filter((slot) => !this.hasFile(slot));
    const placed = files.slice(0, free.length);
    placed.forEach((file, index) => {
      const slot = free[index];
      const transfer = new DataTransfer();
      transfer.items.add(file);
      slot.input.files = transfer.files;
      // As if picked in the slot itself: the redaction tool checks it, and sync() shows it.
      slot.input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    const left = files.length - placed.length;
    const added = placed.length ? `${placed.length === 1 ? "1 image" : `${placed.length} images`} added: describe ${placed.length === 1 ? "it" : "each"} below.` : "";
    const refused = left ? ` A post can have up to ${this.slots.length} images: ${left === 1 ? "1 was" : `${left} were`} left out.` : "";
    this.status.textContent = `${added}${refused}`.trim();
    if (placed.length) free[0].alt.focus();
  }

  remove(slot) {
    slot.input.value = "";
    slot.alt.value = "";
    slot.input.dispatchEvent(new Event("change", { bubbles: true }));
    this.status.textContent = `Image ${slot.number} removed.`;
    this.chooseButton.focus();
  }

  sync(slot) {
    const filled = this.hasFile(slot);
    if (slot.url) URL.revokeObjectURL(slot.url);
    slot.url = null;
    if (slot.preview) slot.preview.remove();
    slot.preview = null;
    // A slot stays in view while it has an image, or what the server sent back for it (an
    // alt text typed before, or an error to read).
    const hasContent = Boolean(slot.alt.value.trim()) || Boolean(slot.node.querySelector(".errorlist"));
    slot.node.classList.toggle("is-filled", filled);
    slot.node.classList.toggle("is-open", filled || hasContent);
    this.zone.hidden = this.slots.every((each) => this.hasFile(each));
    if (!filled) return;
    const file = slot.input.files[0];
    const remove = element("button", { type: "button", class: "button-small button-secondary image-slot-remove", "aria-label": `Remove image ${slot.number}`, text: "Remove" });
    remove.addEventListener("click", () => this.remove(slot));
    const name = element("p", { class: "image-slot-name", text: file.name });
    const picture = element("div", { class: "image-slot-picture" });
    if (file.type.startsWith("image/")) {
      slot.url = URL.createObjectURL(file);
      const image = element("img", { src: slot.url, alt: `Preview of image ${slot.number}` });
      // A format the browser cannot draw (some TIFFs): the file's name says enough.
      image.addEventListener("error", () => image.remove(), { once: true });
      picture.append(image);
    }
    slot.preview = element("div", { class: "image-slot-preview" }, picture, name, remove);
    slot.node.prepend(slot.preview);
  }
}

if (form) {
  const container = form.querySelector("[data-image-slots]");
  if (container) new ImageSlots(container);
}
