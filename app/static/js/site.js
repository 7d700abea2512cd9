// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      nav.classList.toggle("is-open", !open);
    });
  }

  // Live Markdown preview: the server renders through the same sanitizing filter as
  // the published page, so what the nominator sees is exactly what will be shown.
  var meta = document.querySelector('meta[name="csrf-token"]');
  document.querySelectorAll("[data-preview-for]").forEach(function (section) {
    var source = document.getElementById(section.getAttribute("data-preview-for"));
    var target = section.querySelector(".preview-body");
    var url = section.getAttribute("data-preview-url");
    if (!source || !target || !url || !meta || !window.fetch) { return; }
    var timer = null;
    var render = function () {
      var body = new URLSearchParams();
      body.set("text", source.value);
      body.set("csrf_token", meta.getAttribute("content"));
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": meta.getAttribute("content") }
      }).then(function (response) {
        // 400 carries the reason (e.g. the text is too long); 429 and others keep the last.
        return response.ok || response.status === 400 ? response.json() : null;
      }).then(function (data) {
        // The HTML comes from our own server-side sanitizer (python-markdown + nh3).
        if (data && typeof data.html === "string") { target.innerHTML = data.html; }
        else if (data && typeof data.error === "string") { target.textContent = data.error; }
      }).catch(function () { /* keep the last preview */ });
    };
    source.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(render, 400);
    });
  });

  // Registry lookup: typing a name in the "same person as" field suggests public records.
  document.querySelectorAll("[data-registry-search]").forEach(function (box) {
    var input = box.querySelector("input");
    var list = box.querySelector("datalist");
    var url = box.getAttribute("data-registry-search");
    if (!input || !list || !window.fetch) { return; }
    input.setAttribute("list", list.id);
    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var term = input.value.trim();
      if (term.length < 1) { return; }
      timer = window.setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(term), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.textContent = "";
            data.results.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.slug;
              option.label = [item.name, item.district, item.unit].filter(Boolean).join(" · ");
              list.appendChild(option);
            });
          }).catch(function () { /* suggestions are optional */ });
      }, 300);
    });
  });
})();
