// Vigie's workspace: keyboard shortcuts for triage, "select all". Pages work without it.
(function () {
  "use strict";
  let current = -1;
  function rows() { return Array.from(document.querySelectorAll("li.mention[data-id]")); }
  function focus(i) {
    const list = rows();
    if (!list.length) return;
    current = Math.max(0, Math.min(i, list.length - 1));
    list.forEach(function (r, j) { r.classList.toggle("selected", j === current); });
    list[current].focus();
    list[current].scrollIntoView({ block: "nearest" });
  }
  function press(key) {
    const row = rows()[current];
    if (!row) return;
    const button = row.querySelector('button[data-key="' + key + '"]');
    if (button) button.click();
  }
  document.addEventListener("keydown", function (e) {
    const t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) {
      if (e.key === "Escape") t.blur();
      return;
    }
    switch (e.key) {
      case "j": focus(current + 1); break;
      case "k": focus(current - 1); break;
      case "x": {
        const box = rows()[current] && rows()[current].querySelector('input[type="checkbox"]');
        if (box) box.checked = !box.checked;
        break;
      }
      case "h": case "i": case "n": press(e.key); break;
      case "/": {
        const q = document.getElementById("q");
        if (q) { e.preventDefault(); q.focus(); }
        break;
      }
      default: return;
    }
  });
  document.addEventListener("change", function (e) {
    if (e.target && e.target.id === "select-all") {
      document.querySelectorAll('li.mention input[type="checkbox"]').forEach(function (b) {
        b.checked = e.target.checked;
      });
    }
  });
  // After htmx swaps the list in place, keep the cursor on the same position.
  document.addEventListener("htmx:afterSwap", function () { if (current >= 0) focus(current); });
})();
