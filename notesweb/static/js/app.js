// Focus after htmx swaps, so a keyboard user never falls out of the page. Everything
// works without it, as without keyboard.js and writing.js.

// When a row is removed in place (a note deleted, or restored or deleted for good
// from the trash), keep keyboard focus in the list: move it to the next row (or the
// previous one, or the list's total when none is left). A deleted note's row stays,
// hidden, for Undo: it is skipped.
let focusAfterDelete = null;

const REMOVES_ROW = "#note-list form.delete, #trash-list form.restore, #trash-list form.delete-forever";

function shownSibling(row, direction) {
  let sibling = row[direction];
  while (sibling && sibling.hidden) sibling = sibling[direction];
  return sibling;
}

document.addEventListener("htmx:beforeSwap", (event) => {
  const form = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.matches("form.undo[data-hx-target]")) {
    // Undo puts the note back in its row: focus goes to it.
    const id = form.dataset.hxTarget.replace("#deleted-note-", "");
    focusAfterDelete = () => document.querySelector(`#note-list [data-note-id="${id}"] h2 a`);
    return;
  }
  if (!form.matches(REMOVES_ROW)) return;
  const row = form.closest("li");
  const neighbour = shownSibling(row, "nextElementSibling") || shownSibling(row, "previousElementSibling");
  const link = neighbour ? neighbour.querySelector("h2 a") : null;
  focusAfterDelete = link ? () => link : listTotal;
});

function listTotal() {
  return document.getElementById("notes-total") || document.getElementById("trash-total");
}

document.addEventListener("htmx:afterSettle", () => {
  if (firstLoaded !== null) return; // Load more places focus itself (below)
  if (focusAfterDelete === null && !document.activeElement.isConnected) listTotal()?.focus();
  if (focusAfterDelete) {
    focusAfterDelete()?.focus();
    focusAfterDelete = null;
  }
});

// Load more appends notes: focus moves to the first of them, not to <body> when the
// button itself is replaced.
let firstLoaded = null;

document.addEventListener("htmx:beforeRequest", (event) => {
  const list = document.getElementById("note-list");
  if (list && event.detail.elt.id === "load-more") firstLoaded = list.children.length;
});

document.addEventListener("htmx:afterRequest", (event) => {
  if (!event.detail.successful && event.detail.elt.id === "load-more") firstLoaded = null;
});

document.addEventListener("htmx:afterSettle", (event) => {
  if (firstLoaded === null || event.detail.requestConfig?.elt?.id !== "load-more") return;
  const row = document.getElementById("note-list").children[firstLoaded];
  firstLoaded = null;
  row?.querySelector("h2 a")?.focus();
});

// Undo in place needs its note's empty row: gone (the list was searched or paged
// since), the form is sent as it would be without JavaScript, back to this page.
document.addEventListener("htmx:targetError", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("form.undo")) return;
  form.elements.next.value = location.pathname + location.search;
  HTMLFormElement.prototype.submit.call(form);
});
