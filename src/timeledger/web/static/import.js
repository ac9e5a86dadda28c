// The import page's size check: a file over the server's body limit is refused here, with
// words, before it is sent (the server would answer 413 and htmx would show nothing).
(function () {
  "use strict";
  if (window.timeledgerImportCheck) { return; }  // htmx re-runs this script after a swap
  window.timeledgerImportCheck = true;

  function kb(bytes) { return Math.ceil(bytes / 1024); }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!form || form.id !== "import-form") { return; }
    var input = form.querySelector("input[type=file]");
    var note = document.getElementById("import-too-large");
    var limit = Number(form.getAttribute("data-max-bytes"));
    var file = input && input.files && input.files[0];
    if (file && file.size > limit) {
      event.preventDefault();
      note.textContent = "Error: " + file.name + " is " + kb(file.size) + " KB; the limit is " +
        Math.floor(limit / 1024) + " KB. Split it into smaller files, or ask the server's " +
        "administrator to import it with timeledger import records.";
      note.hidden = false;
    } else if (note) {
      note.hidden = true;
      note.textContent = "";
    }
  });
})();
