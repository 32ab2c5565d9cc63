// The chat page's only script (no framework; served as /static/chat.js so the page needs no inline script under
// its Content-Security-Policy): posts the form to /chat/stream, reads the server-sent events with fetch +
// ReadableStream and appends the reply as it arrives. Everything from users and models goes in through
// textContent / text nodes, never as HTML. When the session has ended (401) it goes to the sign-in page, which
// comes back here afterwards.
(() => {
  const form = document.getElementById('chat-form');
  const list = document.getElementById('messages');
  const conversation = form.elements.namedItem('conversation_id');
  const input = form.elements.namedItem('message');
  const button = form.querySelector('button[type=submit]');

  function bubble(role, text) {
    const article = document.createElement('article');
    article.className = 'message ' + role;
    const content = document.createElement('div');
    content.className = 'content';
    content.textContent = text;
    article.append(content);
    list.append(article);
    article.scrollIntoView({ block: 'end' });
    return article;
  }
  function note(article, text, className) {
    const p = document.createElement('p');
    p.className = className;
    p.textContent = text;
    article.append(p);
  }
  function handle(article, content, type, data) {
    if (type === 'meta' && data.conversation_id) {
      conversation.value = data.conversation_id;
      history.replaceState(null, '', '/chat/' + encodeURIComponent(data.conversation_id));
    } else if (type === 'text') {
      content.append(document.createTextNode(data));
    } else if (type === 'tool') {
      note(article, 'used tool ' + data.name + (data.is_error ? ' (failed)' : ''), 'tool-note');
    } else if (type === 'error') {
      note(article, data.message, 'error');
    }
  }
  async function failure(res) {
    try { return (await res.json()).error.message; } catch { return 'The reply failed (status ' + res.status + ')'; }
  }

  async function send(event) {
    event.preventDefault();
    const message = input.value;
    if (!message.trim() || form.dataset.state === 'busy') return;
    const body = new URLSearchParams(new FormData(form));
    form.dataset.state = 'busy';
    button.disabled = true;
    input.value = '';
    bubble('user', message);
    const article = bubble('assistant', '');
    const content = article.querySelector('.content');
    try {
      const res = await fetch('/chat/stream', { method: 'POST', body, headers: { accept: 'text/event-stream' } });
      if (res.status === 401) { location.href = '/login?next=' + encodeURIComponent(location.pathname); return; }
      if (!res.ok || !res.body) { note(article, await failure(res), 'error'); return; }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = 'message';
          const data = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) type = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (data.length) handle(article, content, type, JSON.parse(data.join('\n')));
        }
      }
    } catch (err) {
      note(article, 'The connection broke: ' + err, 'error');
    } finally {
      article.dataset.done = 'true';
      form.dataset.state = 'idle';
      button.disabled = false;
      input.focus();
      document.body.dispatchEvent(new Event('conversations-changed'));
    }
  }

  form.addEventListener('submit', send);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
})();
