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
