// Like/dislike and subscribe without leaving the page, and the share box's "start at the
// current time". Every one of these is a plain form or field that works without this script.
const token = document.querySelector('meta[name="csrf-token"]')?.content;

async function post(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', 'X-CSRF-Token': token ?? '' },
    body: new URLSearchParams(body),
    credentials: 'same-origin',
  });
  if (!response.ok) throw new Error(String(response.status));
  return response.json();
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

for (const form of document.querySelectorAll('form[data-rate-form]')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = form.querySelector('input[name="value"]').value;
    try {
      const result = await post(form.action, { value });
      const box = form.closest('.rating');
      box.querySelector('[data-count="like"]').textContent = compact.format(result.likes);
      box.querySelector('[data-count="dislike"]').textContent = compact.format(result.dislikes);
      for (const other of box.querySelectorAll('form[data-rate-form]')) {
        const button = other.querySelector('button');
        const mine = button.dataset.value === result.rating;
        button.setAttribute('aria-pressed', String(mine));
        other.querySelector('input[name="value"]').value = mine ? 'none' : button.dataset.value;
      }
    } catch {
      form.submit();
    }
  });
}

for (const form of document.querySelectorAll('form[data-subscribe-form]')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const result = await post(form.action, {});
      const button = form.querySelector('button');
      button.textContent = result.subscribed ? 'Subscribed' : 'Subscribe';
      button.setAttribute('aria-pressed', String(result.subscribed));
      button.classList.toggle('secondary', result.subscribed);
      form.action = `/@${form.dataset.handle}/${result.subscribed ? 'unsubscribe' : 'subscribe'}`;
    } catch {
      form.submit();
    }
  });
}

const shareLink = document.getElementById('share-link');
const shareAt = document.getElementById('share-at-time');
const video = document.querySelector('video#player');
if (shareLink && shareAt) {
  const base = shareLink.value;
  const refresh = () => {
    const t = Math.floor(video?.currentTime ?? 0);
    shareLink.value = shareAt.checked && t > 0 ? `${base}?t=${t}` : base;
  };
  shareAt.addEventListener('change', refresh);
  video?.addEventListener('pause', refresh);
  for (const field of [shareLink, document.getElementById('share-embed')]) field?.addEventListener('focus', () => field.select());
}

// Escape closes the share box, as it closes any pop-up, and gives focus back to its summary.
const share = document.querySelector('details.share');
share?.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || !share.open) return;
  event.preventDefault();
  share.open = false;
  share.querySelector('summary')?.focus();
});
