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
  if (focusAfterDelete === null && !document.activeElement.isConnected) {
    const total = document.getElementById("notes-total");
    if (total) total.focus();
  }
  if (focusAfterDelete) {
    focusAfterDelete.focus();
    focusAfterDelete = null;
  }
});
