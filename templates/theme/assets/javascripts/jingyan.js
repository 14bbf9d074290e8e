/* Wide tables for every reader (issue #15).
 *
 * Each table in the page text sits in a scroll region that a keyboard can
 * reach (tabindex), that a screen reader names (role=region, aria-label from
 * the table's caption or the heading above it), and that says, above the
 * table, when it is wider than the screen. The CSS (jingyan.css) keeps the
 * first column in view while the others scroll. Material wraps tables
 * without a class in .md-typeset__scrollwrap; that wrapper becomes the region.
 * Tables with a class of their own get a wrapper here.
 * Links to other sites are marked so that a printed page shows their address,
 * and search result links never carry an empty ?h= highlight.
 */
(function () {
  "use strict";

  function headingText(el) {
    var copy = el.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach(function (a) { a.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function tableName(table, region) {
    var caption = table.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    for (var n = region.previousElementSibling; n; n = n.previousElementSibling) {
      if (/^H[1-6]$/.test(n.tagName)) return headingText(n);
    }
    var h1 = document.querySelector(".md-content h1");
    return h1 ? headingText(h1) : "";
  }

  function regionOf(table) {
    var wrap = table.closest(".md-typeset__scrollwrap, .jy-region");
    if (wrap) return wrap;
    if (!table.className) return null;  // Material has not wrapped it yet
    wrap = document.createElement("div");
    table.parentNode.insertBefore(wrap, table);
    wrap.appendChild(table);
    return wrap;
  }

  function columns(table) {
    var row = table.querySelector("tr");
    var n = 0;
    if (row) row.querySelectorAll("th, td").forEach(function (c) { n += c.colSpan || 1; });
    return n;
  }

  function update(region) {
    var scrolls = region.scrollWidth > region.clientWidth + 1;
    region.classList.toggle("jy-scrolls", scrolls);
    if (region.jyHint) region.jyHint.hidden = !scrolls;
  }

  function setup() {
    var used = {};
    document.querySelectorAll(".jy-region[aria-label]").forEach(function (r) { used[r.getAttribute("aria-label")] = 1; });
    document.querySelectorAll(".md-content .md-typeset table").forEach(function (table) {
      var region = regionOf(table);
      if (!region || region.jyHint) return;
      var first = table.querySelector("th, td");
      var what = columns(table) + " 列表格" + (first && first.textContent.trim() ? "，首列：" + first.textContent.trim() : "");
      var name = (tableName(table, region) || document.title) + "（" + what + "）";
      // several tables under one heading: number them, so each region has its own name
      for (var n = 2, base = name; used[name]; n++) name = base + " " + n;
      used[name] = 1;
      region.classList.add("jy-region");
      region.setAttribute("role", "region");
      region.setAttribute("tabindex", "0");
      region.setAttribute("aria-label", name);
      var hint = document.createElement("p");
      hint.className = "jy-scroll-hint";
      hint.textContent = "↔ 表格较宽：左右滑动（或用方向键）查看全部 " + columns(table) + " 列，首列保持可见。";
      region.parentNode.insertBefore(hint, region);
      region.jyHint = hint;
      update(region);
    });
  }

  // Printed pages show where links to other sites go (jingyan.css, @media print).
  // Material's instant navigation makes every href absolute, so CSS alone
  // cannot tell them from links inside the site.
  function markExternalLinks() {
    document.querySelectorAll(".md-content a[href]").forEach(function (a) {
      if (/^https?:$/.test(a.protocol) && a.host !== location.host) a.setAttribute("data-jy-href", a.href);
    });
  }

  // A search result for a page whose own text did not match (only its
  // sections did) links with an empty ?h=, which highlights nothing: give it
  // the words its sections were found by, or drop the parameter.
  function fixHighlightLinks(list) {
    list.querySelectorAll(".md-search-result__item").forEach(function (group) {
      var links = group.querySelectorAll("a.md-search-result__link");
      var words = "";
      links.forEach(function (a) {
        var h = new URL(a.href, location.href).searchParams.get("h");
        if (h && !words) words = h;
      });
      links.forEach(function (a) {
        var url = new URL(a.href, location.href);
        if (url.searchParams.has("h") && !url.searchParams.get("h")) {
          if (words) url.searchParams.set("h", words); else url.searchParams.delete("h");
          a.setAttribute("href", url.href);
        }
      });
    });
  }

  function watchSearchResults() {
    var list = document.querySelector(".md-search-result__list");
    if (!list || list.jyWatched) return;
    list.jyWatched = true;
    new MutationObserver(function () { fixHighlightLinks(list); }).observe(list, {childList: true, subtree: true});
  }

  function refresh() {
    document.querySelectorAll(".jy-region").forEach(update);
  }

  function start() {
    setTimeout(function () { setup(); markExternalLinks(); watchSearchResults(); }, 0);  // after Material's handlers
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start);  // every page, instant navigation included
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  window.addEventListener("resize", refresh);
  window.addEventListener("beforeprint", refresh);
})();
