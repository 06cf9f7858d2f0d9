// The watch page's player. The page works without this script: <video controls> with the
// quality chosen by a plain form. With it: our own controls (so the seek bar can show
// storyboard previews), a quality menu that switches in place and is remembered, and a
// default quality that suits the player's size on this screen.
const video = document.querySelector('video#player');
const QUALITY_KEY = 'tubestead.quality';
const VOLUME_KEY = 'tubestead.volume';

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

/** A control button showing one of the icons in /static/icons; its name is for screen readers. */
function iconButton(icon, label) {
  const button = element('button', { type: 'button', class: 'control', 'aria-label': label });
  button.append(element('img', { src: `/static/icons/${icon}.svg`, alt: '', width: '22', height: '22' }));
  return button;
}

const setIcon = (button, icon, label) => {
  button.firstElementChild.setAttribute('src', `/static/icons/${icon}.svg`);
  button.setAttribute('aria-label', label);
};

/** The smallest rendition at least as tall as the player is on this screen, else the largest. */
function pickForScreen(renditions) {
  const needed = Math.min(video.clientWidth, video.clientHeight || video.clientWidth * 0.5625) * (window.devicePixelRatio || 1);
  const ascending = [...renditions].sort((a, b) => a.rung - b.rung);
  return ascending.find((r) => r.rung >= needed * 0.9) ?? ascending.at(-1);
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
  const previewTime = element('span', { class: 'seek-preview-time' });
  preview.append(previewImage, previewTime);
  seekWrap.append(seek, preview);
  const mute = iconButton('volume', 'Mute');
  const volume = element('input', { type: 'range', min: '0', max: '1', step: '0.05', value: String(video.volume), 'aria-label': 'Volume', class: 'volume' });
  const fullscreen = iconButton('fullscreen', 'Full screen');
  bar.append(play, seekWrap, time, mute, volume, fullscreen);
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
  seek.addEventListener('pointerleave', () => { preview.hidden = true; });
  seek.addEventListener('focus', () => showPreview(Number(seek.value) / 1000));
  seek.addEventListener('blur', () => { preview.hidden = true; });
  update();
}
