// Playing a playlist (?list=…), on the watch page and in the embed player. Without this script
// next and previous are plain links. With it: at the video's end the next available video
// opens (the server chose it, skipping unavailable ones: data-playlist-next), when autoplay is
// on — by default; the watch page's toggle is remembered in localStorage. A page opened by
// autoplay starts playing by itself (as far as the browser's autoplay rules allow).
const AUTOPLAY_KEY = 'tubestead.autoplay';
/** Set just before autoplay opens the next video, read once by that page. */
const ARRIVED_KEY = 'tubestead.autoplay-arrived';

const video = document.querySelector('video#player, video#embed-player');
const holder = document.querySelector('[data-playlist-next]');

// Storage can be refused (a frame on another site with third-party storage blocked): autoplay stays on.
function read(storage, key) {
  try { return storage.getItem(key); } catch { return null; }
}
function write(storage, key, value) {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, value);
  } catch { /* not remembered */ }
}

const autoplayOn = () => read(localStorage, AUTOPLAY_KEY) !== '0';

const toggle = document.querySelector('[data-autoplay-toggle]');
if (toggle) {
  const box = toggle.querySelector('input');
  box.checked = autoplayOn();
  box.addEventListener('change', () => write(localStorage, AUTOPLAY_KEY, box.checked ? '1' : '0'));
  toggle.hidden = false;
}

// The video playing is the 11th item of the panel's window: scroll the panel's own list (never
// the page) so that it shows.
const list = document.querySelector('.playlist-panel-items');
const current = list?.querySelector('.playlist-panel-item.current');
if (list && current) list.scrollTop = current.offsetTop - list.offsetTop - list.clientHeight / 3;

if (video && holder) {
  if (read(sessionStorage, ARRIVED_KEY) === '1') {
    write(sessionStorage, ARRIVED_KEY, null);
    video.play().catch(() => { /* the browser wants a gesture first: the viewer presses play */ });
  }
  video.addEventListener('ended', () => {
    const next = holder.dataset.playlistNext;
    if (!next || !autoplayOn()) return;
    write(sessionStorage, ARRIVED_KEY, '1');
    location.assign(next);
  });
}
