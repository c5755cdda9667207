// Focus after htmx swaps, so a keyboard user never falls out of the page. Everything
// works without it, as without keyboard.js and writing.js.

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
