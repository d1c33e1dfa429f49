// The provenance page: select a passage to list its facts, go from a fact to its passage and back,
// filter the tables. Everything the page shows is already in the HTML; this only moves and clones it.
(function () {
  "use strict";

  var panel = document.getElementById("evidence");
  var body = document.getElementById("evidence-body");
  var closer = document.getElementById("evidence-close");
  var narrow = window.matchMedia("(max-width: 52rem)");
  var cards = {};
  var current = null;

  Array.prototype.forEach.call(document.querySelectorAll("#cards > .card"), function (card) {
    cards[card.getAttribute("data-row")] = card;
  });

  function fragments(id) {
    return document.querySelectorAll('mark.span[data-span="' + id + '"]');
  }

  // The words of a passage, without the labels drawn after it or after passages inside it.
  function passageText(id) {
    var text = "";
    Array.prototype.forEach.call(fragments(id), function (fragment) {
      var copy = fragment.cloneNode(true);
      Array.prototype.forEach.call(copy.querySelectorAll(".tags"), function (tags) { tags.remove(); });
      text += copy.textContent;
    });
    return text;
  }

  function select(id, moveFocus) {
    var first = document.getElementById(id);
    if (!first || !first.matches("mark.span")) return;
    Array.prototype.forEach.call(document.querySelectorAll("mark.span.selected"), function (mark) {
      mark.classList.remove("selected");
      if (mark.hasAttribute("aria-pressed")) mark.setAttribute("aria-pressed", "false");
    });
    Array.prototype.forEach.call(fragments(id), function (mark) { mark.classList.add("selected"); });
    first.setAttribute("aria-pressed", "true");
    current = id;

    var rows = first.getAttribute("data-rows").split(" ").filter(Boolean);
    var all = fragments(id);
    var number = all[all.length - 1].querySelector(":scope > .tags > .num");
    var summary = document.createElement("p");
    summary.className = "summary";
    summary.textContent = "Passage " + (number ? number.textContent : id) + " supports " + rows.length +
      (rows.length === 1 ? " row:" : " rows:");
    var quote = document.createElement("blockquote");
    quote.textContent = passageText(id);
    var items = [summary, quote];
    rows.forEach(function (row) {
      if (cards[row]) items.push(cards[row].cloneNode(true));
    });
    body.replaceChildren.apply(body, items);
    body.scrollTop = 0;
    panel.scrollTop = 0;
    panel.classList.add("open");
    document.body.classList.add("panel-open");
    if (moveFocus) first.focus({ preventScroll: true });
    // On a phone the list covers the lower half of the screen: the passage goes to the top, above it.
    if (narrow.matches) first.scrollIntoView({ block: "start" });
    else if (moveFocus) first.scrollIntoView({ block: "center" });
  }

  function closePanel() {
    panel.classList.remove("open");
    document.body.classList.remove("panel-open");
    var mark = current && document.getElementById(current);
    if (mark) mark.focus();
  }

  // A row, or any other target: shown even when a filter hides it, then focused.
  function showTarget(id) {
    var target = document.getElementById(id);
    if (!target) return false;
    if (target.matches("tr") && target.hidden) {
      var section = target.closest(".facts-table");
      var input = section && section.querySelector(".filter-input");
      if (input) {
        input.value = "";
        applyFilter(input);
      }
    }
    Array.prototype.forEach.call(document.querySelectorAll("tr.current"), function (row) { row.classList.remove("current"); });
    if (target.matches("tr")) target.classList.add("current");
    if (narrow.matches) {
      panel.classList.remove("open");
      document.body.classList.remove("panel-open");
    }
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
    return true;
  }

  function applyFilter(input) {
    var name = input.getAttribute("data-table");
    var query = input.value.trim().toLowerCase();
    var rows = document.querySelectorAll("#table-" + name + " tbody tr");
    var shown = 0;
    Array.prototype.forEach.call(rows, function (row) {
      var match = query === "" || row.textContent.toLowerCase().indexOf(query) >= 0;
      row.hidden = !match;
      if (match) shown += 1;
    });
    document.getElementById("count-" + name).textContent = shown + " of " + rows.length + " rows";
  }

  function follow(id) {
    var target = document.getElementById(id);
    if (!target) return false;
    if (target.matches("mark.span")) {
      select(id, true);
      return true;
    }
    return showTarget(id);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest('a[href^="#"]');
    if (link) {
      if (follow(decodeURIComponent(link.getAttribute("href").slice(1)))) event.preventDefault();
      return;
    }
    var mark = event.target.closest("mark.span");
    if (mark) select(mark.getAttribute("data-span"), false);
  });

  document.addEventListener("keydown", function (event) {
    if ((event.key === "Enter" || event.key === " ") && event.target.matches && event.target.matches("mark.span")) {
      event.preventDefault();
      select(event.target.getAttribute("data-span"), false);
    } else if (event.key === "Escape" && panel.classList.contains("open") && narrow.matches) {
      closePanel();
    }
  });

  closer.addEventListener("click", closePanel);

  Array.prototype.forEach.call(document.querySelectorAll(".filter-input"), function (input) {
    input.addEventListener("input", function () { applyFilter(input); });
  });

  // A link to #s3 or #row-actors-4 from elsewhere opens the page at that passage or row.
  if (window.location.hash.length > 1) follow(decodeURIComponent(window.location.hash.slice(1)));
})();
