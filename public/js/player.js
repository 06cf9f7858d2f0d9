// The watch page's player. The page works without this script: <video controls> with the
// quality chosen by a plain form. With it: our own controls (so the seek bar can show
// storyboard previews), a quality menu that switches in place and is remembered, and a
// default quality that suits the player's size on this screen.
import { reportViewAfterWatching } from './view-report.js';

const video = document.querySelector('video#player');
const QUALITY_KEY = 'tubestead.quality';
const VOLUME_KEY = 'tubestead.volume';
const SPEED_KEY = 'tubestead.speed';
const CAPTIONS_KEY = 'tubestead.captions';
const THEATER_KEY = 'tubestead.theater';
const SPEEDS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];
/** Seconds an arrow key moves the focused seek bar; Page Up/Down move a tenth of the video. */
const ARROW_SEEK_SECONDS = 5;

const formatTime = (t) => {
  const s = Math.max(0, Math.floor(t || 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
};

function element(tag, attrs = {}, text = '') {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text) el.textContent = text;
  return el;
}

// The icons' hashed addresses, from the page; a page older than data-icons gets the unhashed ones.
const ICONS = JSON.parse(video?.dataset.icons || '{}');
const iconUrl = (icon) => ICONS[icon] ?? `/static/icons/${icon}.svg`;

/** A control button showing one of the icons in public/icons; its name is for screen readers. */
function iconButton(icon, label) {
  const button = element('button', { type: 'button', class: 'control', 'aria-label': label });
  button.append(element('img', { src: iconUrl(icon), alt: '', width: '22', height: '22' }));
  return button;
}

const setIcon = (button, icon, label) => {
  button.firstElementChild.setAttribute('src', iconUrl(icon));
  button.setAttribute('aria-label', label);
};

/** The smallest rendition at least as tall as the player is on this screen, else the largest. */
function pickForScreen(renditions) {
  const needed = Math.min(video.clientWidth, video.clientHeight || video.clientWidth * 0.5625) * (window.devicePixelRatio || 1);
  const ascending = [...renditions].sort((a, b) => a.rung - b.rung);
  return ascending.find((r) => r.rung >= needed * 0.9) ?? ascending.at(-1);
}

/**
 * The captions choice, when the video has caption tracks: a menu of their languages and "Off",
 * the choice remembered by language for the next video. Without this script the browser's own
 * controls offer the same <track> elements.
 */
function captionMenu() {
  const tracks = [...video.textTracks].filter((t) => t.kind === 'subtitles' || t.kind === 'captions');
  if (tracks.length === 0) return null;
  const menu = element('select', { class: 'captions', 'aria-label': 'Captions' });
  menu.append(element('option', { value: '' }, 'CC off'));
  tracks.forEach((track, i) => menu.append(element('option', { value: String(i) }, track.label || track.language)));
  const show = (index) => {
    tracks.forEach((track, i) => { track.mode = i === index ? 'showing' : 'disabled'; });
    menu.value = index >= 0 ? String(index) : '';
  };
  const remembered = localStorage.getItem(CAPTIONS_KEY);
  show(remembered ? tracks.findIndex((t) => t.language === remembered) : -1);
  menu.addEventListener('change', () => {
    const index = menu.value === '' ? -1 : Number(menu.value);
    show(index);
    if (index >= 0) localStorage.setItem(CAPTIONS_KEY, tracks[index].language);
    else localStorage.removeItem(CAPTIONS_KEY);
  });
  return menu;
}

function switchTo(rendition) {
  if (!rendition || video.currentSrc.endsWith(rendition.url)) return;
  const time = video.currentTime;
  const wasPlaying = !video.paused;
  video.src = rendition.url;
  video.addEventListener('loadedmetadata', () => {
    video.currentTime = time;
    if (wasPlaying) video.play().catch(() => {});
  }, { once: true });
}

if (video) {
  const renditions = JSON.parse(video.dataset.renditions || '[]');
  const storyboard = video.dataset.storyboard ? JSON.parse(video.dataset.storyboard) : null;
  const select = document.getElementById('quality');
  const qualityForm = select?.form;

  // Quality: remembered choice, else what fits the screen.
  const saved = Number(localStorage.getItem(QUALITY_KEY));
  const initial = renditions.find((r) => r.rung === saved) ?? pickForScreen(renditions);
  if (initial && initial.rung !== Number(video.dataset.selected)) switchTo(initial);
  if (select && initial) select.value = String(initial.rung);
  qualityForm?.querySelector('button')?.remove();
  qualityForm?.addEventListener('submit', (e) => e.preventDefault());
  select?.addEventListener('change', () => {
    const chosen = renditions.find((r) => r.rung === Number(select.value));
    localStorage.setItem(QUALITY_KEY, select.value);
    switchTo(chosen);
  });

  const savedVolume = Number(localStorage.getItem(VOLUME_KEY));
  if (localStorage.getItem(VOLUME_KEY) !== null && savedVolume >= 0 && savedVolume <= 1) video.volume = savedVolume;

  // Our controls replace the browser's.
  const bar = element('div', { class: 'controls', role: 'group', 'aria-label': 'Video controls' });
  const play = iconButton('play', 'Play');
  const time = element('span', { class: 'time', 'aria-live': 'off' }, '0:00 / 0:00');
  const seekWrap = element('div', { class: 'seek' });
  const seek = element('input', { type: 'range', min: '0', max: '1000', value: '0', step: '1', 'aria-label': 'Seek' });
  const preview = element('div', { class: 'seek-preview', hidden: '' });
  const previewImage = element('div', { class: 'seek-preview-image' });
  const previewChapter = element('span', { class: 'seek-preview-chapter', hidden: '' });
  const previewTime = element('span', { class: 'seek-preview-time' });
  preview.append(previewImage, previewChapter, previewTime);
  // Chapter boundaries drawn over the seek bar (chapters.js-free: read from <track kind="chapters">).
  const chapterMarks = element('div', { class: 'seek-chapters', 'aria-hidden': 'true' });
  // Timecoded comments ("1:05 great moment", from the page's first comments) as markers over
  // the bar: hover shows the comment's start, a click seeks. Pointer only (aria-hidden): the
  // same comments are links with data-seek in the comments section for keyboards and readers.
  const commentMarks = element('div', { class: 'seek-comments', 'aria-hidden': 'true' });
  const commentTip = element('div', { class: 'seek-comment-tip', hidden: '' });
  seekWrap.append(seek, chapterMarks, commentMarks, commentTip, preview);
  const mute = iconButton('volume', 'Mute');
  const volume = element('input', { type: 'range', min: '0', max: '1', step: '0.05', value: String(video.volume), 'aria-label': 'Volume', class: 'volume' });
  const fullscreen = iconButton('fullscreen', 'Full screen');
  const speed = element('select', { class: 'speed', 'aria-label': 'Playback speed' });
  for (const s of SPEEDS) speed.append(element('option', { value: String(s) }, s === 1 ? 'Normal' : `${s}×`));
  const theater = element('button', { type: 'button', class: 'control text-control theater-control', 'aria-label': 'Theater mode', 'aria-pressed': 'false' }, 'Theater');
  const captions = captionMenu();
  bar.append(seekWrap, play, time, mute, volume, ...(captions ? [captions] : []), speed, theater, fullscreen);
  video.controls = false;
  video.parentElement.append(bar);

  const update = () => {
    const duration = video.duration || 0;
    setIcon(play, video.paused ? 'play' : 'pause', video.paused ? 'Play' : 'Pause');
    time.textContent = `${formatTime(video.currentTime)} / ${formatTime(duration)}`;
    if (document.activeElement !== seek) seek.value = duration ? String(Math.round((video.currentTime / duration) * 1000)) : '0';
    seek.setAttribute('aria-valuetext', `${formatTime(video.currentTime)} of ${formatTime(duration)}`);
    const silent = video.muted || video.volume === 0;
    setIcon(mute, silent ? 'muted' : 'volume', silent ? 'Unmute' : 'Mute');
  };
  for (const type of ['play', 'pause', 'timeupdate', 'durationchange', 'volumechange', 'loadedmetadata']) video.addEventListener(type, update);
  play.addEventListener('click', () => (video.paused ? video.play() : video.pause()));
  video.addEventListener('click', () => (video.paused ? video.play() : video.pause()));
  seek.addEventListener('input', () => {
    if (video.duration) video.currentTime = (Number(seek.value) / 1000) * video.duration;
  });
  // The range has a thousand steps, so its own arrow keys would move a thousandth of the video:
  // seconds instead, as on the big sites.
  seek.addEventListener('keydown', (event) => {
    const duration = video.duration || 0;
    const moves = {
      ArrowLeft: -ARROW_SEEK_SECONDS, ArrowDown: -ARROW_SEEK_SECONDS,
      ArrowRight: ARROW_SEEK_SECONDS, ArrowUp: ARROW_SEEK_SECONDS,
      PageDown: -duration / 10, PageUp: duration / 10,
      Home: -Infinity, End: Infinity,
    };
    if (!(event.key in moves) || !duration) return;
    event.preventDefault();
    video.currentTime = Math.min(duration, Math.max(0, video.currentTime + moves[event.key]));
    seek.value = String(Math.round((video.currentTime / duration) * 1000));
    update();
    showPreview(video.currentTime / duration);
  });
  mute.addEventListener('click', () => { video.muted = !video.muted; });
  volume.addEventListener('input', () => {
    video.volume = Number(volume.value);
    video.muted = video.volume === 0;
    localStorage.setItem(VOLUME_KEY, volume.value);
  });
  fullscreen.addEventListener('click', () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else video.parentElement.requestFullscreen?.();
  });

  // Storyboard previews: the tile for the time under the pointer.
  const showPreview = (fraction) => {
    const duration = video.duration || 0;
    if (!duration) return;
    const t = fraction * duration;
    previewTime.textContent = formatTime(t);
    const chapter = chapterAt(t);
    previewChapter.textContent = chapter?.text ?? '';
    previewChapter.hidden = !chapter;
    if (storyboard) {
      const index = Math.min(storyboard.count - 1, Math.floor(t / storyboard.intervalSeconds));
      const col = index % storyboard.columns;
      const row = Math.floor(index / storyboard.columns);
      previewImage.style.backgroundImage = `url("${storyboard.url}")`;
      previewImage.style.backgroundPosition = `-${col * storyboard.tileWidth}px -${row * storyboard.tileHeight}px`;
      previewImage.style.width = `${storyboard.tileWidth}px`;
      previewImage.style.height = `${storyboard.tileHeight}px`;
    }
    const width = seekWrap.clientWidth;
    const half = (storyboard?.tileWidth ?? 60) / 2;
    preview.style.left = `${Math.min(Math.max(fraction * width, half), width - half)}px`;
    preview.hidden = false;
  };
  seek.addEventListener('pointermove', (e) => {
    const rect = seek.getBoundingClientRect();
    showPreview(Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width)));
  });
  // A finger lifted, or a pointer gone, takes the preview with it.
  for (const type of ['pointerleave', 'pointerup', 'pointercancel']) seek.addEventListener(type, () => { preview.hidden = true; });
  seek.addEventListener('focus', () => showPreview(Number(seek.value) / 1000));
  seek.addEventListener('blur', () => { preview.hidden = true; });
  // Speed and theater mode, remembered like the volume.
  const savedSpeed = Number(localStorage.getItem(SPEED_KEY));
  if (SPEEDS.includes(savedSpeed)) video.playbackRate = savedSpeed;
  speed.value = String(video.playbackRate);
  speed.addEventListener('change', () => {
    video.playbackRate = Number(speed.value);
    localStorage.setItem(SPEED_KEY, speed.value);
  });
  video.addEventListener('ratechange', () => { speed.value = String(video.playbackRate); });
  const setTheater = (on) => {
    document.body.classList.toggle('theater', on);
    theater.setAttribute('aria-pressed', String(on));
    localStorage.setItem(THEATER_KEY, on ? '1' : '0');
  };
  setTheater(localStorage.getItem(THEATER_KEY) === '1');
  theater.addEventListener('click', () => setTheater(!document.body.classList.contains('theater')));

  // ?t= start time (the server passes it on, already parsed).
  const start = Number(video.dataset.start);
  if (start > 0) video.addEventListener('loadedmetadata', () => { if (video.currentTime < 1) video.currentTime = start; }, { once: true });

  // Timestamps in the description seek here instead of reloading the page.
  for (const link of document.querySelectorAll('a[data-seek]')) {
    link.addEventListener('click', (event) => {
      event.preventDefault();
      video.currentTime = Number(link.dataset.seek);
      video.play().catch(() => {});
      video.scrollIntoView({ block: 'nearest' });
    });
  }

  // Keyboard shortcuts, as on the big sites; not while typing in a field.
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || (target.tagName === 'BUTTON' && event.key === ' '))) return;
    const seekBy = (delta) => { video.currentTime = Math.min(video.duration || 0, Math.max(0, video.currentTime + delta)); };
    const actions = {
      ' ': () => (video.paused ? video.play() : video.pause()),
      k: () => (video.paused ? video.play() : video.pause()),
      j: () => seekBy(-10),
      l: () => seekBy(10),
      ArrowLeft: () => seekBy(-5),
      ArrowRight: () => seekBy(5),
      f: () => fullscreen.click(),
      m: () => { video.muted = !video.muted; },
      t: () => theater.click(),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  // Chapters: the cues of <track kind="chapters">, loaded by asking for them ("hidden" shows
  // nothing itself), drawn as gaps on the seek bar and named in the preview.
  const chaptersTrack = [...video.textTracks].find((t) => t.kind === 'chapters');
  function chapterAt(t) {
    return chaptersTrack?.cues ? [...chaptersTrack.cues].find((cue) => cue.startTime <= t && t < cue.endTime) : null;
  }
  function drawChapters() {
    const duration = video.duration || 0;
    const cues = chaptersTrack?.cues ? [...chaptersTrack.cues] : [];
    chapterMarks.replaceChildren(...(duration ? cues.filter((cue) => cue.startTime > 0) : []).map((cue) => {
      const mark = element('span', { class: 'seek-chapter-mark' });
      mark.style.left = `${(cue.startTime / duration) * 100}%`;
      return mark;
    }));
  }
  if (chaptersTrack) {
    chaptersTrack.mode = 'hidden';
    video.querySelector('track[kind="chapters"]')?.addEventListener('load', drawChapters);
    video.addEventListener('loadedmetadata', drawChapters);
    drawChapters();
  }

  const commentMarkers = JSON.parse(video.dataset.commentMarkers || '[]');
  function drawCommentMarkers() {
    const duration = video.duration || Number(video.dataset.duration) || 0;
    commentMarks.replaceChildren(...(duration ? commentMarkers : []).filter((m) => m.seconds <= duration).map((m) => {
      const mark = element('span', { class: 'seek-comment-mark', 'data-seconds': String(m.seconds) });
      mark.style.left = `${(m.seconds / duration) * 100}%`;
      mark.addEventListener('pointerenter', () => {
        commentTip.textContent = m.text;
        commentTip.style.left = mark.style.left;
        commentTip.hidden = false;
        preview.hidden = true;
      });
      mark.addEventListener('pointerleave', () => { commentTip.hidden = true; });
      mark.addEventListener('click', (event) => {
        event.stopPropagation();
        video.currentTime = m.seconds;
        update();
      });
      return mark;
    }));
  }
  if (commentMarkers.length) {
    video.addEventListener('loadedmetadata', drawCommentMarkers);
    drawCommentMarkers();
  }

  // Where the viewer came from, for the owner's statistics.
  reportViewAfterWatching(video, document.referrer);
  update();
}
