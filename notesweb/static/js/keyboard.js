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
