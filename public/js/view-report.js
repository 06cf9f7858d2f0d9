// The view report, for the watch page's player (player.js) and the embed page (embed-view.js):
// one view once the viewer has really watched, 10 s or half of a shorter video, at normal
// speed, seeking excluded. `referrer` is where the view came from, for the owner's statistics
// (the server classifies it and uses it for nothing else).
const VIEW_AFTER_SECONDS = 10;

export function reportViewAfterWatching(video, referrer) {
  let watched = 0;
  let last = null;
  let reported = false;
  video.addEventListener('timeupdate', () => {
    if (reported || video.paused) { last = video.currentTime; return; }
    if (last !== null && video.currentTime > last && video.currentTime - last < 2) watched += (video.currentTime - last) / (video.playbackRate || 1);
    last = video.currentTime;
    const needed = Math.min(VIEW_AFTER_SECONDS, (Number(video.dataset.duration) || video.duration || 0) / 2);
    if (watched >= needed && needed > 0) {
      reported = true;
      fetch(video.dataset.viewUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams({ token: video.dataset.viewToken, referrer }),
        credentials: 'same-origin',
      }).catch(() => {});
    }
  });
}
