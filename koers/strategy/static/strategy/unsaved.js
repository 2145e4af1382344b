// Warn before leaving a page whose form has unsaved changes (forms marked data-warn-unsaved).
// Submitting the form, or an HTMX autosave that succeeded, makes it clean again.
(() => {
  const dirty = new Set();
  const formOf = (target) => target && target.closest && target.closest("form[data-warn-unsaved]");
  const mark = (event) => {
    const form = formOf(event.target);
    if (form) dirty.add(form);
  };
  document.addEventListener("input", mark);
  document.addEventListener("change", mark);
  document.addEventListener("submit", (event) => dirty.delete(event.target));
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = formOf(event.target);
    if (form && event.detail.successful) dirty.delete(form);
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty.size === 0) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers need a value to show their own question
  });
})();
