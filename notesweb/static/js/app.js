// Small behaviour on top of htmx; everything works without it.

// When a note is deleted in place, keep keyboard focus in the list: move it to the
// next note (or the previous one, or the list's total when none is left).
let focusAfterDelete = null;

document.addEventListener("htmx:beforeSwap", (event) => {
  const form = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (!(form instanceof HTMLFormElement) || !form.matches("#note-list form.delete")) return;
  const row = form.closest("li");
  const neighbour = row.nextElementSibling || row.previousElementSibling;
  focusAfterDelete = neighbour ? neighbour.querySelector("h2 a") : null;
});

document.addEventListener("htmx:afterSettle", () => {
  if (firstLoaded !== null) return; // Load more places focus itself (below)
  if (focusAfterDelete === null && !document.activeElement.isConnected) {
    const total = document.getElementById("notes-total");
    if (total) total.focus();
  }
  if (focusAfterDelete) {
    focusAfterDelete.focus();
    focusAfterDelete = null;
  }
});

// Keyboard shortcuts: an element marked data-shortcut="KEY" is clicked (a field is
// focused) when KEY is pressed; "?" opens the list of them. Letters never fire while
// the person types in a field, nor with a modifier held (the browser's own keys).
const typing = (element) =>
  element instanceof HTMLElement &&
  (element.isContentEditable || element.matches("input, textarea, select"));

function shortcutTarget(key) {
  const marked = [...document.querySelectorAll(`[data-shortcut="${key}"]`)];
  return marked.find((element) => element.checkVisibility()) || marked[0] || null;
}

function activate(element) {
  if (element.matches("input, textarea, select")) {
    element.focus();
    element.select?.();
  } else {
    element.click();
  }
}

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.isComposing) return;
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    const form = event.target instanceof Element && event.target.closest("form");
    const save = form && form.querySelector('[data-shortcut="ctrl+enter"]');
    if (save) {
      event.preventDefault();
      form.requestSubmit(save);
    }
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if (document.querySelector("dialog[open]")) return;
  if (event.key === "?") {
    const help = document.getElementById("shortcuts");
    if (help) {
      event.preventDefault();
      help.showModal();
    }
    return;
  }
  const target = shortcutTarget(event.key);
  if (target) {
    event.preventDefault();
    activate(target);
  } else if (event.key === "/" && document.getElementById("shortcuts")) {
    // No search here: the notes list has it, focused on arrival.
    event.preventDefault();
    window.location.assign(document.querySelector(".brand").href + "#search");
  }
});

document.addEventListener("click", (event) => {
  const close = event.target instanceof Element && event.target.closest("[data-closes-dialog]");
  if (close) close.closest("dialog").close();
});

function focusSearchIfAsked() {
  const search = shortcutTarget("/");
  if (window.location.hash === "#search" && search) search.focus();
}
document.addEventListener("DOMContentLoaded", focusSearchIfAsked);

// Load more appends notes: focus moves to the first of them, not to <body> when the
// button itself is replaced.
let firstLoaded = null;

document.addEventListener("htmx:beforeRequest", (event) => {
  const list = document.getElementById("note-list");
  if (list && event.detail.elt.id === "load-more") firstLoaded = list.children.length;
});

document.addEventListener("htmx:afterSettle", (event) => {
  if (firstLoaded === null || event.detail.requestConfig?.elt?.id !== "load-more") return;
  const row = document.getElementById("note-list").children[firstLoaded];
  firstLoaded = null;
  row?.querySelector("h2 a")?.focus();
});

// Writing comfort in the note form: leaving with unsaved text asks first (a page
// unload, or an htmx navigation), the body grows with its text, and a count of the
// characters left shows near the limit.
let unsaved = null; // the note form whose text is not saved

function noteForm(element) {
  return element instanceof Element ? element.closest("#note-form") : null;
}

document.addEventListener("input", (event) => {
  const form = noteForm(event.target);
  if (form) unsaved = form;
  if (event.target instanceof HTMLTextAreaElement || event.target instanceof HTMLInputElement) {
    countCharacters(event.target);
    grow(event.target);
  }
});

document.addEventListener(
  "submit",
  (event) => {
    // Saving takes the text; a preview keeps it unsaved.
    if (event.target === unsaved && event.submitter?.name !== "preview") unsaved = null;
  },
  true,
);

window.addEventListener("beforeunload", (event) => {
  if (unsaved?.isConnected) event.preventDefault();
});

document.addEventListener("htmx:confirm", (event) => {
  if (!unsaved?.isConnected || unsaved.contains(event.detail.elt)) return;
  if (event.detail.target !== document.body) return; // not a navigation away
  event.preventDefault();
  if (window.confirm("Leave this page? What you wrote here is not saved.")) {
    unsaved = null;
    event.detail.issueRequest(true);
  }
});

const GROWS = !CSS.supports("field-sizing", "content"); // else the stylesheet grows it

function grow(field) {
  if (!GROWS || !field.matches("#note-form textarea")) return;
  field.style.height = "auto";
  field.style.height = `${field.scrollHeight + 2}px`;
}

const NEAR_LIMIT = 0.9;

function countCharacters(field) {
  const limit = field.maxLength;
  if (!noteForm(field) || limit <= 0) return;
  const counter = document.getElementById(`${field.id}-count`);
  const left = limit - field.value.length;
  counter.hidden = field.value.length < limit * NEAR_LIMIT;
  counter.textContent = `${left.toLocaleString("en")} ${left === 1 ? "character" : "characters"} left`;
  // The field is described by the count only while it shows.
  const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  const others = described.filter((id) => id !== counter.id);
  const now = counter.hidden ? others : [...others, counter.id];
  if (now.length) field.setAttribute("aria-describedby", now.join(" "));
  else field.removeAttribute("aria-describedby");
}

function prepareNoteForm() {
  const form = document.getElementById("note-form");
  if (!form) return;
  if (form.hasAttribute("data-unsaved")) unsaved = form;
  for (const field of form.querySelectorAll("textarea[maxlength], input[maxlength]")) {
    if (!document.getElementById(`${field.id}-count`)) {
      const counter = document.createElement("small");
      counter.id = `${field.id}-count`;
      counter.className = "char-count";
      counter.hidden = true;
      field.after(counter);
    }
    countCharacters(field);
    grow(field);
  }
}

// After a swap at once (in the same task: nothing can leave before it is marked).
document.addEventListener("htmx:afterSwap", prepareNoteForm);
document.addEventListener("DOMContentLoaded", prepareNoteForm);
