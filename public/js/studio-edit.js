// The edit page's schedule in the creator's own time zone. Without this script the server
// reads the date and time as UTC, and the page says so. With it, the hidden timeZone field
// carries the browser's zone (an IANA name, so the server applies the offset of the chosen
// date, daylight saving included), a stored time is shown in that zone, and times on the page
// are shown in local time.
const form = document.querySelector('[data-schedule-form]');
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** "2026-12-24" and "18:30" for an instant, on this browser's wall clock. */
function localInputs(instant) {
  const pad = (n) => String(n).padStart(2, '0');
  return [`${instant.getFullYear()}-${pad(instant.getMonth() + 1)}-${pad(instant.getDate())}`, `${pad(instant.getHours())}:${pad(instant.getMinutes())}`];
}

if (form && zone) {
  const field = form.querySelector('[data-time-zone]');
  const note = form.querySelector('[data-time-zone-note]');
  // A form sent back with errors holds what was typed, in the zone it was typed in: left alone.
  if (field && field.value === 'UTC' && zone !== 'UTC') {
    const stored = form.getAttribute('data-stored-publish-at');
    if (stored) {
      const [date, time] = localInputs(new Date(stored));
      form.querySelector('[name=publishDate]').value = date;
      form.querySelector('[name=publishTime]').value = time;
    }
    field.value = zone;
  }
  if (note && field) note.textContent = `Times are in your time zone (${field.value.replace(/_/g, ' ')}).`;
}

for (const time of document.querySelectorAll('time[data-local-time]')) {
  const instant = new Date(time.getAttribute('datetime'));
  if (!Number.isNaN(instant.getTime())) time.textContent = instant.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
