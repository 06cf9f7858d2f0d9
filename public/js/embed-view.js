// The embed page's view report. That page keeps the browser's own controls, so it does not load
// player.js; this is the same rule as the watch page's report (player.js): one view once the
// viewer has really watched, 10 s or half of a shorter video. It reports its own address as
// where the view came from, so the owner's statistics count it under "embedded player".
const video = document.querySelector('video#embed-player');
const VIEW_AFTER_SECONDS = 10;

if (video) {
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
        body: new URLSearchParams({ token: video.dataset.viewToken, referrer: location.href }),
        credentials: 'same-origin',
      }).catch(() => {});
    }
  });
}
