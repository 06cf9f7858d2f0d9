// The account menu is a <details> element and works without this script; this adds what
// people expect of a menu: Escape closes it (and returns focus), a click elsewhere closes it.
// Pages mark what only makes sense with scripts (.js-only) or without them (.no-js-only).
document.documentElement.classList.add('js');

const menus = document.querySelectorAll('details.menu');

document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  for (const menu of menus) {
    if (menu.open) {
      menu.open = false;
      menu.querySelector('summary')?.focus();
    }
  }
});

document.addEventListener('click', (event) => {
  for (const menu of menus) {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  }
});
