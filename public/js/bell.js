// The header's notification bell, kept up to date in place: asks GET /notifications/unread.json
// every minute while the tab is visible, and at once when the tab is shown again, then sets the
// count and the link's accessible name ("Notifications, 3 unread"). Without scripts the count
// is the one drawn with the page. Hidden tabs ask nothing: a hundred open tabs cost nothing.
const POLL_MS = 60_000;
const bell = document.querySelector('a[data-bell]');
const count = bell?.querySelector('[data-bell-count]');

async function refresh() {
  try {
    const response = await fetch(bell.dataset.bell, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) return;
    const { unread, shown, label } = await response.json();
    count.textContent = shown;
    count.hidden = unread === 0;
    bell.setAttribute('aria-label', label);
  } catch {
    // Offline for a moment: the next tick tries again.
  }
}

let timer = null;
function follow() {
  clearInterval(timer);
  timer = document.visibilityState === 'visible' ? setInterval(refresh, POLL_MS) : null;
}

if (bell && count) {
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') refresh();
    follow();
  });
  follow();
}
