// Save to a playlist in place (issue 12, item 2). Every "Save" link (the watch page, video cards)
// goes to /watch/:id/save, a page of plain forms; with this script it opens a dialog instead,
// filled from the same address asked for JSON. Each tick posts at once to the same forms'
// address and says what happened; "New playlist" makes one with the video in it. Anything
// unexpected (a network error, an old page) falls back to the page itself.
const token = document.querySelector('meta[name="csrf-token"]')?.content ?? '';
const PRIVACIES = [['private', 'Private'], ['unlisted', 'Unlisted'], ['public', 'Public']];

function element(tag, properties = {}, children = []) {
  const node = Object.assign(document.createElement(tag), properties);
  for (const child of children) node.append(child);
  return node;
}

/** JSON from our own routes; throws an Error with the server's message on a refusal. */
async function request(url, form) {
  const headers = { Accept: 'application/json' };
  if (form) Object.assign(headers, { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': token });
  const response = await fetch(url, { method: form ? 'POST' : 'GET', headers, body: form ? new URLSearchParams(form) : undefined, credentials: 'same-origin' });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw Object.assign(new Error(data?.error?.message ?? `That did not work (error ${response.status}). Try again.`), { fields: data?.error?.fields ?? {} });
  return data;
}

let dialog = null;
let list;
let status;
let newForm;
let titleInput;
let privacySelect;
let saveUrl = '';
let opener = null;

function say(message, isError = false) {
  status.textContent = message;
  status.classList.toggle('error', isError);
}

function choiceItem(playlist) {
  const id = `save-choice-${playlist.id}`;
  const box = element('input', { type: 'checkbox', id, checked: playlist.saved });
  box.addEventListener('change', async () => {
    box.disabled = true;
    try {
      const result = await request(saveUrl, { playlist: playlist.id, saved: String(box.checked) });
      say(result.message);
    } catch (error) {
      box.checked = !box.checked;
      say(error.message, true);
    } finally {
      box.disabled = false;
    }
  });
  const privacy = PRIVACIES.find(([value]) => value === playlist.privacy)?.[1] ?? '';
  return element('li', {}, [box, ' ', element('label', { htmlFor: id, textContent: playlist.title }), ' ', element('span', { className: 'muted', textContent: privacy })]);
}

function build() {
  dialog = element('dialog', { className: 'save-dialog' });
  dialog.setAttribute('aria-labelledby', 'save-dialog-title');
  const heading = element('h2', { id: 'save-dialog-title', textContent: 'Save to…' });
  status = element('p', { className: 'save-status' });
  status.setAttribute('role', 'status');
  list = element('ul', { className: 'save-choices' });
  list.setAttribute('aria-labelledby', 'save-dialog-title');
  titleInput = element('input', { id: 'save-new-title', name: 'title', type: 'text', required: true, maxLength: 150 });
  privacySelect = element('select', { id: 'save-new-privacy', name: 'privacy' }, PRIVACIES.map(([value, label]) => element('option', { value, textContent: label })));
  newForm = element('form', { className: 'save-new', noValidate: true }, [
    element('h3', { textContent: 'New playlist' }),
    element('label', { htmlFor: 'save-new-title', textContent: 'Title' }), titleInput,
    element('label', { htmlFor: 'save-new-privacy', textContent: 'Privacy' }), privacySelect,
    element('button', { type: 'submit', className: 'button', textContent: 'Create and save' }),
  ]);
  newForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    titleInput.removeAttribute('aria-invalid');
    try {
      const result = await request(`${saveUrl}/new`, { title: titleInput.value, privacy: privacySelect.value });
      // After Watch later, which is always first: the newest playlist, as the page lists them.
      list.insertBefore(choiceItem(result.playlist), list.children[1] ?? null);
      titleInput.value = '';
      privacySelect.value = 'private';
      say(result.message);
    } catch (error) {
      if (error.fields?.title) titleInput.setAttribute('aria-invalid', 'true');
      say(error.message, true);
      titleInput.focus();
    }
  });
  const close = element('button', { type: 'button', className: 'button secondary', textContent: 'Done' });
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => opener?.focus());
  dialog.append(heading, status, list, newForm, close);
  document.body.append(dialog);
}

async function open(link) {
  if (!dialog) build();
  opener = link;
  saveUrl = new URL(link.href, location.href).pathname;
  const data = await request(saveUrl);
  list.replaceChildren(...data.playlists.map(choiceItem));
  say('');
  titleInput.value = '';
  titleInput.removeAttribute('aria-invalid');
  titleInput.maxLength = data.limits.titleMax;
  dialog.showModal();
  list.querySelector('input')?.focus();
}

document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[data-save]') : null;
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  if (typeof HTMLDialogElement !== 'function') return;
  event.preventDefault();
  open(link).catch(() => {
    location.href = link.href;
  });
});
