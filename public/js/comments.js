// The comments section in place: posting a comment or a reply, liking, editing, deleting,
// "More comments" and "N replies" without leaving the page. Everything here is a plain form or link that works
// without this script; on any failure we fall back to it (the form is submitted, the link
// followed), so the server's answer (an error page, 429...) is what the viewer sees.
// New comments are taken from the server's own HTML for the watch page (fetched and read with
// DOMParser), so there is one template for a comment, not a second one here.
const section = document.getElementById('comments');
const token = document.querySelector('meta[name="csrf-token"]')?.content;

async function fetchSection(url) {
  const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
  if (!response.ok) throw new Error(String(response.status));
  const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
  const fetched = doc.getElementById('comments');
  if (!fetched) throw new Error('no comments section');
  return fetched;
}

async function postForm(form, extra = {}) {
  const body = new URLSearchParams(new FormData(form));
  for (const [k, v] of Object.entries(extra)) body.set(k, v);
  const response = await fetch(form.action, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', 'X-CSRF-Token': token ?? '' },
    body,
    credentials: 'same-origin',
  });
  if (!response.ok) throw new Error(String(response.status));
  return response.json();
}

const topList = (root) => root.querySelector(':scope > ol.comment-list:not(.replies)');

/** The list of replies under a thread's root: the thread page's own, or one made inside the root's item. */
function repliesList(threadId) {
  if (section.dataset.thread === String(threadId)) return section.querySelector('ol.replies');
  const root = document.getElementById(`comment-${threadId}`);
  if (!root) return null;
  let list = root.querySelector(':scope > ol.replies');
  if (!list) {
    list = document.createElement('ol');
    list.className = 'comment-list replies';
    list.setAttribute('aria-label', 'Replies');
    root.append(list);
  }
  return list;
}

/** One comment's item as the server renders it, from the page that starts at it. */
async function renderedComment(id, threadId) {
  const path = section.dataset.watchPath;
  // Roots in Newest come newest first (after = older than), replies oldest first (after = newer than).
  const url = threadId ? `${path}?thread=${threadId}&after=${id - 1}` : `${path}?sort=newest&after=${id + 1}`;
  const fetched = await fetchSection(url);
  return { item: fetched.querySelector(`#comment-${id}`), title: fetched.querySelector('#comments-title') };
}

async function submitComment(form) {
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const result = await postForm(form);
    // A new top-level comment posted from a thread's page: show it where it belongs, the first page.
    if (!result.threadId && section.dataset.thread) {
      window.location.href = `${section.dataset.watchPath}#comment-${result.id}`;
      return;
    }
    const { item, title } = await renderedComment(result.id, result.threadId);
    if (!item) throw new Error('posted comment not shown');
    document.getElementById(`comment-${result.id}`)?.remove();
    if (result.threadId) repliesList(result.threadId)?.append(item);
    else topList(section)?.prepend(item);
    if (title) section.querySelector('#comments-title').textContent = title.textContent;
    form.reset();
    form.closest('details')?.removeAttribute('open');
    item.scrollIntoView({ block: 'nearest' });
  } finally {
    button.disabled = false;
  }
}

async function rate(form) {
  const value = form.querySelector('input[name="value"]').value;
  const result = await postForm(form, { value });
  const box = form.closest('.comment-likes');
  box.querySelector(':scope > .muted').textContent = `${result.likes} ${result.likes === 1 ? 'like' : 'likes'}`;
  for (const other of box.querySelectorAll('form[action$="/rate"]')) {
    // Which rating a form stands for: its button's label, "Like" or "Dislike".
    const button = other.querySelector('button');
    const kind = button.textContent.trim().toLowerCase().startsWith('dislike') ? 'dislike' : 'like';
    const pressed = result.rating === kind;
    button.setAttribute('aria-pressed', String(pressed));
    other.querySelector('input[name="value"]').value = pressed ? 'none' : kind;
  }
}

/**
 * Shows a comment's item again as the server now renders it (after an edit, or a delete that
 * kept it as "[deleted]"), keeping the replies loaded under it in place. A root is looked for in
 * Newest after it (the pinned one, left out there, on Newest's first page), a reply in its thread.
 */
async function refreshItem(item) {
  const id = Number(item.id.replace('comment-', ''));
  const threadId = item.dataset.threadId ? Number(item.dataset.threadId) : null;
  let { item: fresh } = await renderedComment(id, threadId);
  if (!fresh && !threadId) fresh = (await fetchSection(`${section.dataset.watchPath}?sort=newest`)).querySelector(`#comment-${id}`);
  if (!fresh) throw new Error('comment not shown');
  // Replies loaded in place sit at the end of a root's item (the list, then its "More replies").
  const replies = item.querySelector(':scope > ol.replies');
  const keep = new Set();
  for (let el = replies; el; el = el.nextElementSibling) keep.add(el);
  for (const child of [...item.children]) if (!keep.has(child)) child.remove();
  for (const child of [...fresh.children]) if (!child.matches('ol.replies')) item.insertBefore(child, replies);
}

async function editComment(form) {
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    await postForm(form);
    await refreshItem(form.closest('li.comment'));
  } finally {
    button.disabled = false;
  }
}

async function deleteComment(form) {
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  const item = form.closest('li.comment');
  let result;
  try {
    result = await postForm(form);
  } finally {
    button.disabled = false;
  }
  // Done on the server from here: what follows only updates the page, and a failure of it must
  // not send the form again (a second delete would be a 404).
  if (result.outcome === 'kept-as-deleted') {
    await refreshItem(item).catch(() => { item.querySelector('.comment-text')?.replaceChildren('[deleted]'); });
  } else {
    item.remove();
  }
  fetchSection(`${section.dataset.watchPath}?sort=newest`).then((fetched) => {
    const title = fetched.querySelector('#comments-title');
    if (title) section.querySelector('#comments-title').textContent = title.textContent;
  }).catch(() => {});
}

/** "More comments", "More replies" and "N replies": the next items appended where they belong. */
async function loadMore(link) {
  const url = new URL(link.href);
  const threadId = url.searchParams.get('thread');
  const fetched = await fetchSection(url.pathname + url.search);
  // The Top order changed twice since this page was read: the server starts again from the top,
  // which belongs on a page of its own, not appended here.
  if (fetched.querySelector('[data-comments-restarted]')) throw new Error('restarted');
  const from = threadId ? fetched.querySelector('ol.replies') : topList(fetched);
  const to = threadId ? repliesList(threadId) : topList(section);
  if (!from || !to) throw new Error('no list');
  for (const item of [...from.children]) {
    if (!document.getElementById(item.id)) to.append(item);
  }
  const next = fetched.querySelector('[data-comments-more]');
  const here = link.closest('p');
  if (next) {
    const paragraph = next.closest('p');
    // "N replies" becomes the thread's own "More replies", under its list.
    if (link.hasAttribute('data-comments-replies')) { to.after(paragraph); here.remove(); } else here.replaceWith(paragraph);
  } else {
    here.remove();
  }
}

if (section) {
  section.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const action = new URL(form.action).pathname;
    const job = action.endsWith('/comments') ? submitComment(form)
      : action.endsWith('/rate') ? rate(form)
      : /^\/comments\/\d+\/edit$/.test(action) ? editComment(form)
      : /^\/comments\/\d+\/delete$/.test(action) ? deleteComment(form)
      : null;
    if (!job) return;
    event.preventDefault();
    job.catch(() => form.submit());
  });
  section.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a') : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (link.hasAttribute('data-comments-more') || link.hasAttribute('data-comments-replies')) {
      event.preventDefault();
      loadMore(link).catch(() => { window.location.href = link.href; });
    } else if (link.dataset.seek) {
      // Timestamps in comments loaded here: player.js bound only those present at load.
      const video = document.querySelector('video#player');
      if (!video) return;
      event.preventDefault();
      video.currentTime = Number(link.dataset.seek);
      video.play().catch(() => {});
      video.scrollIntoView({ block: 'nearest' });
    }
  });
}
