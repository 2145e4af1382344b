// Small progressive enhancements; every page works without this file.
document.addEventListener("focusin", (event) => {
  if (event.target.matches && event.target.matches(".copy-field")) event.target.select();
});
