// Enhances the upload form: drop a file anywhere on the form, see real progress (percent, bytes,
// time left), cancel. Without this script the form posts as it is and the server redirects.
const form = document.getElementById('upload-form');
const input = document.getElementById('field-file');
const dropZone = document.getElementById('drop-zone');
const panel = document.getElementById('upload-progress');
const bar = document.getElementById('upload-bar');
const status = document.getElementById('upload-status');
const cancel = document.getElementById('upload-cancel');
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
}
