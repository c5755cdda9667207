// Writing comfort in the note form: leaving with unsaved text asks first (a page
// unload, or an htmx navigation), the body grows with its text, and a count of the
// characters left shows near the limit.
let unsaved = null; // the form whose text is not saved
let unsavedAt = null; // the address it was written at

// The note form, and the form an error page hands typed text back in.
const WRITTEN = "#note-form, #typed-text";

function noteForm(element) {
  return element instanceof Element ? element.closest(WRITTEN) : null;
}

function markUnsaved(form) {
  unsaved = form;
  unsavedAt = window.location.href;
}

document.addEventListener("input", (event) => {
  const form = noteForm(event.target);
  if (form) markUnsaved(form);
  if (event.target instanceof HTMLTextAreaElement || event.target instanceof HTMLInputElement) {
    countCharacters(event.target);
    grow(event.target);
  }
});

// Saved: nothing is left to lose (the page that follows is loaded through htmx, which
// would otherwise ask). Refused or failed, the answer brings the text back in a form
// marked data-unsaved. A preview is the Preview button's request, not the form's.
document.addEventListener("htmx:beforeOnLoad", (event) => {
  // Before htmx follows the answer's HX-Location, which would ask.
  const { elt, xhr } = event.detail;
  if (elt === unsaved && xhr.status >= 200 && xhr.status < 300) unsaved = null;
});

window.addEventListener("beforeunload", (event) => {
  if (!unsaved?.isConnected) return;
  event.preventDefault();
  event.returnValue = ""; // what older browsers ask for
});

const LEAVE = "Leave this page? What you wrote here is not saved.";

document.addEventListener("htmx:confirm", (event) => {
  if (!unsaved?.isConnected || unsaved.contains(event.detail.elt)) return;
  if (event.detail.target !== document.body) return; // not a navigation away
  event.preventDefault();
  if (window.confirm(LEAVE)) {
    unsaved = null;
    event.detail.issueRequest(true);
  }
});

// Back (or Forward) to a boosted page: htmx loads it itself, asking no one. Staying
// puts the form's address back.
document.addEventListener("htmx:historyCacheMiss", (event) => {
  if (!unsaved?.isConnected) return;
  if (window.confirm(LEAVE)) {
    unsaved = null;
  } else {
    event.preventDefault();
    window.history.pushState({ htmx: true }, "", unsavedAt);
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
  if (!counter) return;
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
  const handedBack = document.getElementById("typed-text");
  if (handedBack) markUnsaved(handedBack);
  const form = document.getElementById("note-form");
  if (!form) return;
  if (form.hasAttribute("data-unsaved")) markUnsaved(form);
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
