// The token form's expiry: picking a day chooses "On a day of your choosing", and choosing
// another expiry clears the day, so that what is sent is what the person sees. Without scripts
// the server asks which was meant when a day comes with another choice (src/forms/api-token.ts).
const day = document.getElementById('field-expiresOn');
const onDay = document.getElementById('expiry-date');
if (day && onDay) {
  day.addEventListener('input', () => {
    if (day.value) onDay.checked = true;
  });
  for (const choice of document.querySelectorAll('input[name="expiry"]')) {
    choice.addEventListener('change', () => {
      if (choice !== onDay && choice.checked) day.value = '';
    });
  }
}
