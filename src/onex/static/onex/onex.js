/* onex: page-wide behaviour. Small on purpose; pages work without it. */
(function () {
  "use strict";

  function setupNavToggle() {
    var button = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (!button || !nav) return;
    button.addEventListener("click", function () {
      var open = nav.classList.toggle("is-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("is-open")) {
        nav.classList.remove("is-open");
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }

  // Behaviour templates ask for with data-* attributes (no inline on*= handlers: the CSP
  // forbids inline scripts). data-confirm on a submit button asks before submitting;
  // data-autosubmit on a form control submits its form when it changes.
  function setupDataBehaviours() {
    document.addEventListener("click", function (event) {
      var target = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
      if (target && !window.confirm(target.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
    document.addEventListener("change", function (event) {
      var target = event.target;
      if (target instanceof Element && target.hasAttribute("data-autosubmit") && target.form) {
        target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
      }
    });
  }

  function setup() {
    setupNavToggle();
    setupDataBehaviours();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
