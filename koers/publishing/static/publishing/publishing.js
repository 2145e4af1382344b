// Drag a post chip onto another day of the calendar to move it (it keeps its time).
// The server does the move (POST with the new day); the calendar then reloads itself through
// HTMX (HX-Trigger: koers-calendar-changed). Without JavaScript, the edit form does the same.
(function () {
  "use strict";
  let dragged = null;

  document.addEventListener("dragstart", (event) => {
    const chip = event.target.closest && event.target.closest(".chip[data-move-url]");
    if (!chip) return;
    dragged = chip;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", chip.dataset.moveUrl);
  });

  document.addEventListener("dragover", (event) => {
    const day = dragged && event.target.closest && event.target.closest("td.day[data-day]");
    if (!day) return;
    event.preventDefault();
    day.classList.add("drop-target");
  });

  document.addEventListener("dragleave", (event) => {
    const day = event.target.closest && event.target.closest("td.day[data-day]");
    if (day) day.classList.remove("drop-target");
  });

  document.addEventListener("drop", (event) => {
    const day = dragged && event.target.closest && event.target.closest("td.day[data-day]");
    if (!day) return;
    event.preventDefault();
    day.classList.remove("drop-target");
    const url = dragged.dataset.moveUrl;
    dragged = null;
    window.htmx.ajax("POST", url, { values: { day: day.dataset.day }, swap: "none", source: day })
      .then(() => {});
  });

  document.addEventListener("dragend", () => { dragged = null; });

  // A refused move (409) shows the server's reason instead of failing silently.
  document.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    if (xhr && xhr.status === 409) window.alert(xhr.responseText);
  });
})();
