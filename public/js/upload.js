// Enhances the upload form: drop a file anywhere on the form, see real progress (percent, bytes,
// time left), cancel. Without this script the form posts as it is and the server redirects.
// With tus-js-client loaded (public/js/vendor/tus.min.js) the file goes to /uploads as a
// resumable upload (tus): in chunks, paused and resumed with the buttons, retried after the
// network drops, and resumed after a reload or a server restart (choose the same file again:
// the upload's address is kept in localStorage). Otherwise it is posted whole, as before.
const form = document.getElementById('upload-form');
const input = document.getElementById('field-file');
const dropZone = document.getElementById('drop-zone');
const panel = document.getElementById('upload-progress');
const bar = document.getElementById('upload-bar');
const status = document.getElementById('upload-status');
const cancel = document.getElementById('upload-cancel');
const pause = document.getElementById('upload-pause');
const resume = document.getElementById('upload-resume');
/**
 * Each PATCH carries at most this much: under common proxy body limits (nginx's
 * client_max_body_size must be at least this; see the README), small enough that a dropped
 * connection costs little, large enough that the requests' overhead does not show.
 */
const CHUNK_BYTES = 16 * 1024 * 1024;
/** After a failed chunk, tries again after these waits (ms); then the error is shown. */
const RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10000, 20000, 30000];
const submit = document.getElementById('upload-submit');
const token = document.querySelector('meta[name="csrf-token"]')?.content;

const formatBytes = (n) => {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
};

const formatTime = (seconds) => {
  if (!Number.isFinite(seconds)) return '';
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min` : s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
};

function showError(message) {
  let box = form.querySelector('.js-error');
  if (!box) {
    box = document.createElement('p');
    box.className = 'flash flash-error js-error';
    box.setAttribute('role', 'alert');
    form.prepend(box);
  }
  box.textContent = message;
}

if (form && input) {
  const titleInput = document.getElementById('field-title');

  for (const type of ['dragenter', 'dragover']) {
    form.addEventListener(type, (event) => {
      event.preventDefault();
      dropZone.classList.add('dragging');
    });
  }
  for (const type of ['dragleave', 'drop']) form.addEventListener(type, () => dropZone.classList.remove('dragging'));
  form.addEventListener('drop', (event) => {
    event.preventDefault();
    if (event.dataTransfer?.files?.length) {
      input.files = event.dataTransfer.files;
      input.dispatchEvent(new Event('change'));
    }
  });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file && titleInput && !titleInput.value) titleInput.placeholder = file.name.replace(/\.[^.]{1,8}$/, '');
  });

  form.addEventListener('submit', (event) => {
    const file = input.files?.[0];
    if (!file) return; // the server answers with the field's error
    const max = Number(form.dataset.maxBytes);
    if (max && file.size > max) {
      event.preventDefault();
      showError(`This file is ${formatBytes(file.size)}; the limit is ${formatBytes(max)}.`);
      return;
    }
    event.preventDefault();
    if (form.dataset.resumable && window.tus?.isSupported) {
      sendResumable(file);
      return;
    }
    const xhr = new XMLHttpRequest();
    const started = performance.now();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('Accept', 'application/json');
    if (token) xhr.setRequestHeader('X-CSRF-Token', token);
    xhr.upload.addEventListener('progress', (e) => {
      if (!e.lengthComputable) return;
      const fraction = e.loaded / e.total;
      const elapsed = (performance.now() - started) / 1000;
      const left = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : Infinity;
      bar.value = Math.round(fraction * 100);
      status.textContent = `${Math.round(fraction * 100)}% · ${formatBytes(e.loaded)} of ${formatBytes(e.total)}${fraction < 1 ? ` · about ${formatTime(left)} left` : ' · checking the file…'}`;
    });
    xhr.addEventListener('load', () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status === 201 && body?.watchUrl) {
        window.location.assign(body.watchUrl);
        return;
      }
      reset();
      showError(body?.error?.message ?? `The upload failed (${xhr.status}). Please try again.`);
    });
    xhr.addEventListener('error', () => { reset(); showError('The connection was lost during the upload. Please try again.'); });
    xhr.addEventListener('abort', () => { reset(); status.textContent = 'Upload cancelled.'; });
    cancel.onclick = () => xhr.abort();
    panel.hidden = false;
    submit.disabled = true;
    bar.value = 0;
    status.textContent = 'Starting…';
    xhr.send(new FormData(form));
  });
}

function reset() {
  panel.hidden = true;
  submit.disabled = false;
  pause.hidden = true;
  resume.hidden = true;
}

/** The form's details, as the upload's metadata (the server parses them as it does the form's). */
function detailsOf(file) {
  const data = new FormData(form);
  const value = (name) => String(data.get(name) ?? '');
  return { filename: file.name, filetype: file.type, title: value('title'), description: value('description'), tags: value('tags'), visibility: value('visibility') || 'public' };
}

/** The text a refused request answered with (the server's reason), or a plain description. */
function reasonOf(error) {
  const response = error?.originalResponse;
  const body = response?.getBody?.();
  if (response && body) return body.trim();
  if (response) return `The upload failed (${response.getStatus()}). Please try again.`;
  return 'The connection was lost during the upload and could not be restored. Choose the file again to resume where it stopped.';
}

function sendResumable(file) {
  let started = performance.now();
  let startOffset = null;
  const upload = new window.tus.Upload(file, {
    endpoint: form.dataset.resumable,
    chunkSize: CHUNK_BYTES,
    retryDelays: RETRY_DELAYS_MS,
    metadata: detailsOf(file),
    headers: token ? { 'X-CSRF-Token': token } : {},
    // The upload's address, kept under the file's fingerprint until it is finished.
    storeFingerprintForResuming: true,
    removeFingerprintOnSuccess: true,
    onProgress(sent, total) {
      // Time left from what this run sent: a resumed upload starts where it stopped.
      if (startOffset === null) { startOffset = sent; started = performance.now(); }
      const fraction = total ? sent / total : 0;
      const rate = (sent - startOffset) / Math.max(0.001, (performance.now() - started) / 1000);
      const left = rate > 0 ? (total - sent) / rate : Infinity;
      bar.value = Math.round(fraction * 100);
      status.textContent = `${Math.round(fraction * 100)}% · ${formatBytes(sent)} of ${formatBytes(total)}${sent < total ? (Number.isFinite(left) ? ` · about ${formatTime(left)} left` : '') : ' · checking the file…'}`;
    },
    onSuccess(payload) {
      const videoId = payload?.lastResponse?.getHeader('Tubestead-Video-Id');
      // A finishing answer lost on the way (the client then found every byte there): the video is in the studio.
      window.location.assign(videoId && /^[A-Za-z0-9_-]{11}$/.test(videoId) ? `/watch/${videoId}` : '/studio');
    },
    onError(error) {
      reset();
      showError(reasonOf(error));
    },
  });

  pause.onclick = () => {
    upload.abort().then(() => {
      status.textContent = `Paused at ${bar.value}%. Resume to continue.`;
      pause.hidden = true;
      resume.hidden = false;
      resume.focus();
    });
  };
  resume.onclick = () => {
    startOffset = null;
    resume.hidden = true;
    pause.hidden = false;
    pause.focus();
    status.textContent = 'Resuming…';
    upload.start();
  };
  // Cancel ends the upload on the server too (tus termination): nothing of it is kept.
  cancel.onclick = () => {
    upload.abort(true).catch(() => {}).finally(() => { reset(); status.textContent = 'Upload cancelled.'; });
  };

  panel.hidden = false;
  submit.disabled = true;
  pause.hidden = false;
  resume.hidden = true;
  bar.value = 0;
  status.textContent = 'Starting…';
  upload.findPreviousUploads().then((previous) => {
    if (previous.length > 0) {
      upload.resumeFromPreviousUpload(previous[0]);
      status.textContent = 'Resuming your earlier upload of this file…';
    }
    upload.start();
  }, () => upload.start());
}
