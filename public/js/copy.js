// Copy buttons: a button with data-copy="<id>" copies that field's value to the clipboard. The
// button is hidden in the page and shown here, so that without scripts (or without a clipboard)
// nobody is offered a button that does nothing; the field stays selectable either way.
for (const button of document.querySelectorAll('button[data-copy]')) {
  const field = document.getElementById(button.dataset.copy);
  const status = button.parentElement.querySelector('[data-copy-status]');
  if (!field || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      if (status) status.textContent = 'Copied to the clipboard.';
    } catch {
      field.select();
      if (status) status.textContent = 'Could not copy: the token is selected, copy it with Ctrl+C (⌘C).';
    }
  });
}
