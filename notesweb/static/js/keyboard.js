// Keyboard shortcuts: an element marked data-shortcut="KEY" is clicked (a field is
// focused) when KEY is pressed; "?" opens the list of them. Letters never fire while
// the person types in a field, nor with a modifier held (the browser's own keys).
const TEXT_INPUT = /^(text|search|email|url|password|number|tel|date|datetime-local|month|time|week)$/;
const typing = (element) =>
  element instanceof HTMLElement &&
  (element.isContentEditable ||
    element instanceof HTMLTextAreaElement ||
    element instanceof HTMLSelectElement ||
    (element instanceof HTMLInputElement && TEXT_INPUT.test(element.type)));

const shown = (element) =>
  element.checkVisibility ? element.checkVisibility() : element.offsetParent !== null;

function shortcutTarget(key) {
  const marked = [...document.querySelectorAll(`[data-shortcut="${CSS.escape(key)}"]`)];
  return marked.find(shown) || marked[0] || null;
}

// Single letters can be switched off (WCAG 2.1.4: speech input types them too), in the
// list of shortcuts; the choice is this browser's.
const LETTERS_OFF = "notesweb.single-key-shortcuts-off";
const lettersOn = () => window.localStorage.getItem(LETTERS_OFF) === null;

function activate(element) {
  if (element.matches("input, textarea, select")) {
    element.focus();
    element.select?.();
  } else {
    element.click();
  }
}

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.isComposing || event.repeat) return;
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
  if (document.querySelector("dialog[open]") || !lettersOn()) return;
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

// The list of shortcuts opens from the footer too (so with the letters off), and its
// switch keeps the letters on or off.
document.addEventListener("click", (event) => {
  const opener = event.target instanceof Element && event.target.closest("[data-opens-shortcuts]");
  if (opener) document.getElementById("shortcuts")?.showModal();
});

document.addEventListener("change", (event) => {
  if (event.target.id !== "single-key-shortcuts") return;
  if (event.target.checked) window.localStorage.removeItem(LETTERS_OFF);
  else window.localStorage.setItem(LETTERS_OFF, "1");
});

function showShortcutControls() {
  const opener = document.querySelector("[data-opens-shortcuts]");
  if (opener) opener.hidden = false; // a button that works only with this script
  const toggle = document.getElementById("single-key-shortcuts");
  if (toggle) toggle.checked = lettersOn();
}
document.addEventListener("DOMContentLoaded", showShortcutControls);
document.addEventListener("htmx:afterSwap", showShortcutControls);
