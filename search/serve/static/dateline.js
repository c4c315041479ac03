// dateline's page script: the page works without it (a GET form and links); with it, a search,
// a facet, a page or a timeline bar replaces <main> without a page load, the URL and history kept
// in step (Back and Forward work), "/" focuses the search box and j/k move between hits.
"use strict";
(function () {
  const KEYS = "dateline.keys";
  const inPage = (url) => url.origin === location.origin && (url.pathname === "/search" || url.pathname === "/");

  async function show(url, push) {
    const started = performance.now();
    document.body.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const main = page.querySelector("main");
      if (!main) { location.assign(url); return; }
      document.querySelector("main").replaceWith(document.adoptNode(main));
      const form = page.getElementById("search-form");
      if (form) document.getElementById("search-form").replaceWith(document.adoptNode(form));
      document.title = page.title;
      if (push) history.pushState({}, "", url);
      bind();
      document.body.dataset.roundTrip = String(Math.round(performance.now() - started));
    } catch (error) {
      location.assign(url);
    } finally {
      document.body.removeAttribute("aria-busy");
    }
  }

  function bind() {
    const form = document.getElementById("search-form");
    if (form && !form.dataset.bound) {
      form.dataset.bound = "1";
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const url = new URL(form.action, location.href);
        const sort = document.getElementById("sort");
        const sortKept = sort && (sort.hasAttribute("data-chosen") || sort.value !== sort.querySelector("option[selected]")?.value);
        for (const [name, value] of new FormData(form)) {
          if (value !== "" && (name !== "sort" || sortKept)) url.searchParams.append(name, value);
        }
        show(url.href, true);
      });
      const sort = document.getElementById("sort");
      if (sort) sort.addEventListener("change", () => form.requestSubmit());
    }
  }

  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest("a[href]");
    if (!link || !link.closest("main") || link.hasAttribute("download")) return;
    // getAttribute, not .href: a timeline bar is an SVG <a>, whose .href is an object, not a string.
    const url = new URL(link.getAttribute("href"), location.href);
    if (!inPage(url)) return;
    event.preventDefault();
    show(url.href, true);
  });

  window.addEventListener("popstate", () => show(location.href, false));

  function keysOn() { return localStorage.getItem(KEYS) !== "off"; }

  document.addEventListener("keydown", (event) => {
    if (!keysOn() || event.metaKey || event.ctrlKey || event.altKey) return;
    const typing = event.target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "/" && !typing) {
      event.preventDefault();
      const box = document.getElementById("q");
      box.focus();
      box.select();
      return;
    }
    if (typing || (event.key !== "j" && event.key !== "k")) return;
    const links = Array.from(document.querySelectorAll("main .hit-link"));
    if (!links.length) return;
    const at = links.indexOf(document.activeElement);
    const next = event.key === "j" ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
    event.preventDefault();
    for (const hit of document.querySelectorAll(".hit.current")) hit.classList.remove("current");
    links[next].closest(".hit").classList.add("current");
    links[next].focus();
  });

  document.addEventListener("DOMContentLoaded", () => {
    bind();
    const toggle = document.getElementById("keys");
    if (toggle) {
      toggle.checked = keysOn();
      toggle.addEventListener("change", () => localStorage.setItem(KEYS, toggle.checked ? "on" : "off"));
    }
  });
})();
