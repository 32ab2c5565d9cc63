// The assets page's only script (served as /static/assets.js: no inline script under the page's CSP). Every card of
// a queued or running job (data-events) follows its job over server-sent events, updating its progress bar and
// status line; when the job ends, the card is replaced by the server's card for it (data-card), with the preview,
// player or download link. Cards that htmx swaps in are picked up too. Text goes in through textContent only.
(() => {
  const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

  async function replace(card) {
    try {
      const res = await fetch(card.dataset.card, { headers: { 'hx-request': 'true' } });
      if (res.status === 401) { location.href = '/login?next=/assets'; return; }
      if (res.status === 404) { card.remove(); return; }
      const html = await res.text();
      const template = document.createElement('template');
      template.innerHTML = html;
      const next = template.content.firstElementChild;
      if (!next) return;
      card.replaceWith(next);
      if (window.htmx) window.htmx.process(next);
      follow(next);
    } catch {
      card.querySelector('.status').textContent = 'Lost track of this job: reload the page to see it.';
    }
  }

  function follow(card) {
    if (!card.dataset?.events || card.dataset.following) return;
    card.dataset.following = 'true';
    const bar = card.querySelector('progress');
    const status = card.querySelector('.status');
    const source = new EventSource(card.dataset.events);
    const update = (event) => {
      const data = JSON.parse(event.data);
      card.dataset.state = data.state;
      if (bar) bar.value = data.progress;
      status.textContent = data.text;
      if (FINISHED.has(data.state)) { source.close(); replace(card); }
    };
    for (const type of ['state', 'progress', 'result', 'heartbeat']) source.addEventListener(type, update);
    // The stream ended without the job ending, or could not be opened: ask the server how the job stands.
    const settle = () => { source.close(); replace(card); };
    source.addEventListener('end', settle);
    source.addEventListener('error', () => { if (source.readyState === EventSource.CLOSED) settle(); });
  }

  function scan(root) {
    if (root.matches?.('article.asset-card')) {
      // A request joined a job already shown: keep one card for it.
      for (const other of document.querySelectorAll('article.asset-card[id="' + root.id + '"]')) if (other !== root) other.remove();
      follow(root);
    }
    if (root.querySelectorAll) for (const card of root.querySelectorAll('article.asset-card[data-events]')) follow(card);
  }

  document.body.addEventListener('htmx:load', (event) => scan(event.target));
  scan(document);
})();
