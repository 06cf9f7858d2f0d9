// The studio list and its bulk changes: a box that selects every video on the page (useless
// without scripts, so only added by one), and the progress of bulk changes run in the
// background, followed until they end (then the page is loaded again to show the outcome).
const POLL_MS = 2000;

const form = document.getElementById('bulk-form');
const boxes = form ? [...form.querySelectorAll('input[name="ids"]')] : [];
const header = form?.querySelector('thead th');
if (header && boxes.length > 0) {
  const all = document.createElement('input');
  all.type = 'checkbox';
  all.id = 'select-all';
  all.setAttribute('aria-label', 'Select every video on this page');
  all.addEventListener('change', () => {
    for (const box of boxes) box.checked = all.checked;
  });
  header.replaceChildren(all);
}

for (const item of document.querySelectorAll('[data-bulk-poll]')) {
  const url = item.getAttribute('data-bulk-poll');
  const bar = item.querySelector('progress');
  const text = item.querySelector('[data-bulk-text]');
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (!response.ok) return;
      const action = await response.json();
      const reached = action.done + action.failed;
      if (bar) bar.value = reached;
      if (text) text.textContent = `${reached} of ${action.total}`;
      if (action.state === 'done' || action.state === 'failed') return window.location.reload();
    } catch {
      // Offline for a moment: try again at the next tick.
    }
    setTimeout(poll, POLL_MS);
  };
  setTimeout(poll, POLL_MS);
}
