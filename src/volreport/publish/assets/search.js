// Offline full-text search of the built-in site: every word typed must occur in a
// section's title or text. The index (search-index.js) is loaded as a script, so the
// search works on a site opened from disk. `?q=words` in a page's address runs a search.
(function () {
  "use strict";
  var index = window.VOLREPORT_SEARCH || [];
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  if (!input || !list) return;
  var LIMIT = 12;

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  var folded = index.map(function (e) { return fold(e.title + " " + e.text); });

  function snippet(text, word) {
    var at = fold(text).indexOf(word);
    var start = Math.max(0, at - 60);
    return (start > 0 ? "… " : "") + text.substr(start, 160) + (text.length > start + 160 ? " …" : "");
  }

  function show(query) {
    list.innerHTML = "";
    var words = fold(query).split(/\s+/).filter(Boolean);
    if (!words.length) { list.hidden = true; return; }
    var found = 0;
    for (var i = 0; i < index.length && found < LIMIT; i++) {
      if (!words.every(function (w) { return folded[i].indexOf(w) >= 0; })) continue;
      found++;
      var entry = index[i];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = entry.page + (entry.anchor ? "#" + entry.anchor : "");
      var title = document.createElement("strong");
      title.textContent = entry.title;
      var text = document.createElement("span");
      text.textContent = snippet(entry.text, words[0]);
      link.appendChild(title);
      link.appendChild(text);
      item.appendChild(link);
      list.appendChild(item);
    }
    if (!found) {
      var none = document.createElement("li");
      none.className = "search-none";
      // The page's language: "No section mentions “{query}”." (labels site.no_results).
      var words = list.getAttribute("data-none") || "No section mentions “{query}”.";
      none.textContent = words.replace("{query}", query);
      list.appendChild(none);
    }
    list.hidden = false;
  }

  input.addEventListener("input", function () { show(input.value); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; show(""); }
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { input.value = query; show(query); }
})();
