/* Off-list report form: while the township (or village) types the assignment, ask the server which
   items of its lists look similar (GET data-check-url) and show them beside the form.
   「检查清单」 asks the same way instead of submitting the form: a submitted form comes back
   without the chosen evidence files (a browser never re-fills a file input), so the check must
   not leave the page. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var target = document.getElementById("similar-items");
  if (!form || !target) { return; }
  var timer = null;
  function check() {
    var data = new FormData(form);
    var params = new URLSearchParams({
      township: data.get("township") || "",
      village: data.get("village") || "",
      department: data.get("department") || "",
      assignment: data.get("assignment") || ""
    });
    return fetch(form.getAttribute("data-check-url") + "?" + params.toString(), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { if (html) { target.innerHTML = html; } });
  }
  form.addEventListener("input", function (event) {
    if (!event.target.name || ["assignment", "department"].indexOf(event.target.name) < 0) { return; }
    clearTimeout(timer);
    timer = setTimeout(check, 600);
  });
  // Text typed before this script ran (a slow page) or restored by the browser gets its
  // check too.
  var assignment = form.querySelector("textarea[name=assignment], input[name=assignment]");
  if (assignment && (assignment.value || "").trim()) { check(); }
  var button = form.querySelector("button[name=check]");
  if (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      button.disabled = true;
      check().then(function () {
        button.disabled = false;
        target.scrollIntoView({block: "nearest"});
      }, function () { button.disabled = false; });
    });
  }
})();
