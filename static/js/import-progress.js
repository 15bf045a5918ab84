// Progressive enhancement for an import's page while the import is queued or running: every few seconds,
// fetch the page again and replace its status block, so the progress line moves without a reload (a reload
// would send a screen reader back to the top of the page). Once the import has finished, load the page
// once to show its outcome. Without JavaScript, the page's "Refresh" link does the same by hand.
(() => {
  const EVERY_MS = 4000;
  const status = document.getElementById("import-status");
  if (!status || !status.hasAttribute("data-import-progress")) return;

  const poll = async () => {
    let fresh;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      fresh = page.getElementById("import-status");
    } catch {
      window.setTimeout(poll, EVERY_MS * 3); // the server is busy or the connection dropped: try again later
      return;
    }
    if (!fresh || !fresh.hasAttribute("data-import-progress")) {
      window.location.reload(); // finished: show what the import did, or why it stopped
      return;
    }
    status.replaceChildren(...fresh.childNodes);
    window.setTimeout(poll, EVERY_MS);
  };
  window.setTimeout(poll, EVERY_MS);
})();
