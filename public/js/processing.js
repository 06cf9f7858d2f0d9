// While a video is being processed, polls its state and shows the progress; reloads the page
// when the first quality is ready (or when it failed) so the player or the reason appears.
// Without scripts, the page offers a "Check again" link instead (no timed refresh: it would
// move a screen reader back to the top every few seconds). Every [data-poll] box on the page is
// followed: the watch page has one, the studio's list one per video being processed.
const POLL_MS = 2000;

function follow(box) {
  const url = box.getAttribute('data-poll');
  const text = box.querySelector('[data-progress-text]');
  const bar = box.querySelector('progress');
  const initiallyReady = !box.classList.contains('processing');

  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (!response.ok) return;
      const video = await response.json();
      if (text) text.textContent = `${video.progress}%`;
      if (bar) bar.value = video.progress;
      if (!initiallyReady && (video.status === 'ready' || video.status === 'failed')) return window.location.reload();
      if (initiallyReady && video.progress >= 100) return; // all qualities done; the next visit lists them
    } catch {
      // Offline for a moment: try again at the next tick.
    }
    setTimeout(poll, POLL_MS);
  };
  setTimeout(poll, POLL_MS);
}

for (const box of document.querySelectorAll('[data-poll]')) follow(box);
