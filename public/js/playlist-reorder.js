// The owner's playlist page, reordered in place. Each item gets a drag handle, a button: drag it
// with a mouse, a pen or a finger, or press it and move with the arrow keys (Enter drops, Escape
// cancels). A drop sends one POST …/items/:videoId/place with before= (or after=) the item it
// landed next to; the Up, Down, Top, Bottom and Remove forms are sent with fetch and the list is
// changed without a reload. Every change is announced in the page's status region. Without this
// script the same forms work with a reload, which is also what a request sent here falls back to
// when it cannot be made (no answer at all).
const list = document.querySelector('ol[data-reorder]');
const status = document.querySelector('[data-reorder-status]');
const token = document.querySelector('meta[name="csrf-token"]')?.content ?? '';

/** Pixels a pointer moves before a press on the handle becomes a drag. */
const DRAG_THRESHOLD_PX = 4;
/** Within this distance of the window's top or bottom edge, a drag scrolls the page. */
const EDGE_SCROLL_PX = 48;

const items = () => [...list.querySelectorAll(':scope > li[data-video-id]')];
const titleOf = (li) => li.querySelector('.video-title')?.textContent.replace(/^\s*\d+\.\s*/, '').trim() || 'Video';
const numberOf = (li) => Number(list.dataset.start) + items().indexOf(li);

function announce(message) {
  // Emptied first, so that the same words said twice in a row are read twice.
  status.textContent = '';
  setTimeout(() => { status.textContent = message; }, 50);
}

/** Numbers, hidden numbers and button labels after the order changed ("Up: video 3"). */
function renumber() {
  items().forEach((li, i) => {
    const n = Number(list.dataset.start) + i;
    li.querySelector('.playlist-number').textContent = String(n);
    const hidden = li.querySelector('.video-title .visually-hidden');
    if (hidden) hidden.textContent = `${n}. `;
    for (const button of li.querySelectorAll('.playlist-item-actions button[type="submit"]')) {
      const label = button.textContent.trim();
      button.setAttribute('aria-label', label === 'Remove' ? `Remove video ${n}` : `${label}: video ${n}`);
    }
    li.querySelector('.drag-handle')?.setAttribute('aria-label', `Reorder video ${n}, ${titleOf(li)}`);
  });
}

// One request at a time, in the order they were asked for: a quick Up, Up, Up lands as three moves.
let queue = Promise.resolve();
const inTurn = (work) => {
  queue = queue.then(work, work);
  return queue;
};

/** POSTs a form's fields as the page's script (JSON back); throws an Error with the server's message on a refusal. */
async function send(url, fields) {
  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', 'X-CSRF-Token': token },
      body: new URLSearchParams(fields),
      credentials: 'same-origin',
    });
  } catch {
    throw Object.assign(new Error('The site could not be reached. Check the connection and try again.'), { unreachable: true });
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.error?.message ?? `That did not work (${response.status}). Reload the page and try again.`);
  return body;
}

/** Where the focus goes when the item it was on has left the page: the list's heading. */
function itemsHeading() {
  const heading = document.getElementById('items-title');
  heading.tabIndex = -1;
  return heading;
}

const itemUrl = (li, action) => `/playlist/${list.dataset.reorder}/items/${li.dataset.videoId}/${action}`;
const byId = (videoId) => (videoId ? list.querySelector(`:scope > li[data-video-id="${CSS.escape(videoId)}"]`) : null);

/**
 * Puts the item where the server says it now is: after its previous item or before its next
 * one when either is on this page, first or last when this page is the list's start or end;
 * otherwise it has left this page (a move to the top seen from page 2). Returns whether it is here.
 */
function placeAsTold(li, { previous, next }) {
  const previousItem = byId(previous);
  const nextItem = byId(next);
  if (previousItem && previousItem !== li) previousItem.after(li);
  else if (nextItem && nextItem !== li) nextItem.before(li);
  else if (previous === null && list.dataset.firstPage === 'true') list.prepend(li);
  else if (next === null && list.dataset.lastPage === 'true') list.append(li);
  else {
    li.remove();
    return false;
  }
  return true;
}

// --- The forms: Up, Down, Top, Bottom and Remove without a reload.

list.addEventListener('submit', (event) => {
  const form = event.target;
  const li = form.closest('li[data-video-id]');
  if (!li) return;
  event.preventDefault();
  const fields = new FormData(form);
  if (event.submitter?.name) fields.set(event.submitter.name, event.submitter.value);
  const removing = form.action.endsWith('/remove');
  const focusedLabel = event.submitter?.textContent.trim();
  inTurn(async () => {
    try {
      const result = await send(form.action, fields);
      if (removing) return removed(li, result);
      const title = titleOf(li);
      if (!result.moved) return announce(`${title} is already there.`);
      const here = placeAsTold(li, result);
      renumber();
      if (here) {
        // The same button, where the item now is, so that Up can be pressed again.
        [...li.querySelectorAll('button[type="submit"]')].find((b) => b.textContent.trim() === focusedLabel)?.focus();
        announce(`${title} moved to position ${numberOf(li)}.`);
      } else {
        (list.querySelector('.drag-handle') ?? itemsHeading()).focus();
        const earlier = ['up', 'top'].includes(event.submitter?.value);
        announce(`${title} moved to ${earlier ? 'an earlier' : 'a later'} page of the playlist.`);
      }
    } catch (err) {
      if (!err.unreachable) return announce(err.message);
      // The plain form, as without this script; submit() leaves out the pressed button's to=.
      if (event.submitter?.name) form.append(Object.assign(document.createElement('input'), { type: 'hidden', name: event.submitter.name, value: event.submitter.value }));
      form.submit();
    }
  });
});

function removed(li, result) {
  const title = titleOf(li);
  const neighbour = li.nextElementSibling ?? li.previousElementSibling;
  li.remove();
  renumber();
  document.querySelector('[data-playlist-count]').textContent = `${result.itemCount.toLocaleString('en')} ${result.itemCount === 1 ? 'video' : 'videos'}`;
  // Its last text, after the hidden "Total duration " label.
  document.querySelector('[data-playlist-duration]').lastChild.textContent = result.totalDuration;
  (neighbour?.querySelector('.drag-handle') ?? itemsHeading()).focus();
  announce(`${title} removed. ${result.itemCount === 1 ? '1 video' : `${result.itemCount.toLocaleString('en')} videos`} left.`);
}

// --- Drag and drop, by pointer or keyboard, on a handle per item.

/** Sends the drop of `li`, now between its page neighbours; puts it back where it was on a refusal. */
function drop(li, origin) {
  if (li.previousElementSibling === origin.previous && li.nextElementSibling === origin.next) return;
  const title = titleOf(li);
  const next = li.nextElementSibling;
  const fields = next ? { before: next.dataset.videoId } : { after: li.previousElementSibling.dataset.videoId };
  renumber();
  inTurn(async () => {
    try {
      const result = await send(itemUrl(li, 'place'), fields);
      announce(result.moved ? `${title} dropped at position ${numberOf(li)}.` : `${title} is already there.`);
    } catch (err) {
      putBack(li, origin);
      announce(err.message);
    }
  });
}

function putBack(li, origin) {
  if (origin.next && origin.next.parentElement === list) origin.next.before(li);
  else if (origin.previous && origin.previous.parentElement === list) origin.previous.after(li);
  renumber();
}

/**
 * Where a drop at clientY would put `li`: before the first other item whose middle is below the
 * pointer, or after the last. The item itself stays put while dragging (moving it would end the
 * handle's pointer capture); a line shows where it will land.
 */
function dropTarget(li, clientY) {
  const others = items().filter((other) => other !== li);
  const below = others.find((other) => {
    const box = other.getBoundingClientRect();
    return clientY < box.top + box.height / 2;
  });
  return below ? { item: below, side: 'before' } : { item: others.at(-1), side: 'after' };
}

function showTarget(target) {
  for (const marked of list.querySelectorAll('.drop-before, .drop-after')) marked.classList.remove('drop-before', 'drop-after');
  target?.item?.classList.add(`drop-${target.side}`);
}

function scrollNearEdges(clientY) {
  if (clientY < EDGE_SCROLL_PX) window.scrollBy(0, -EDGE_SCROLL_PX / 4);
  else if (clientY > window.innerHeight - EDGE_SCROLL_PX) window.scrollBy(0, EDGE_SCROLL_PX / 4);
}

function addHandle(li) {
  const handle = document.createElement('button');
  handle.type = 'button';
  handle.className = 'button secondary drag-handle';
  handle.setAttribute('aria-describedby', 'reorder-help');
  handle.setAttribute('aria-pressed', 'false');
  handle.textContent = '↕';
  const actions = li.querySelector('.playlist-item-actions');
  actions.prepend(handle);

  let press = null;
  let grabbed = null;
  let dragged = false;
  // Moving the focused handle's item in the document blurs it in some browsers: not a leaving.
  let moving = false;

  handle.addEventListener('pointerdown', (event) => {
    if (event.button !== 0 || grabbed) return;
    press = { y: event.clientY, origin: { previous: li.previousElementSibling, next: li.nextElementSibling }, dragging: false, target: null };
    handle.setPointerCapture(event.pointerId);
  });
  handle.addEventListener('pointermove', (event) => {
    if (!press) return;
    if (!press.dragging && Math.abs(event.clientY - press.y) < DRAG_THRESHOLD_PX) return;
    if (!press.dragging) {
      press.dragging = true;
      li.classList.add('is-dragging');
    }
    press.target = dropTarget(li, event.clientY);
    showTarget(press.target);
    scrollNearEdges(event.clientY);
  });
  handle.addEventListener('pointerup', () => {
    if (!press) return;
    const { origin, dragging, target } = press;
    press = null;
    li.classList.remove('is-dragging');
    showTarget(null);
    // The click that follows a drag is not a press of the button.
    dragged = dragging;
    if (dragging && target?.item) {
      target.item[target.side](li);
      handle.focus();
      drop(li, origin);
    }
  });
  handle.addEventListener('pointercancel', () => {
    if (!press) return;
    li.classList.remove('is-dragging');
    showTarget(null);
    press = null;
  });

  // Keyboard (and a plain click): press to pick up, arrows to move, Enter or Space to drop, Escape to cancel.
  const release = () => {
    grabbed = null;
    li.classList.remove('is-dragging');
    handle.setAttribute('aria-pressed', 'false');
  };
  handle.addEventListener('click', () => {
    if (dragged) {
      dragged = false;
      return;
    }
    if (!grabbed) {
      grabbed = { previous: li.previousElementSibling, next: li.nextElementSibling };
      li.classList.add('is-dragging');
      handle.setAttribute('aria-pressed', 'true');
      announce(`${titleOf(li)} picked up, position ${numberOf(li)}. Arrow keys move it, Enter drops it, Escape cancels.`);
      return;
    }
    const origin = grabbed;
    release();
    if (li.previousElementSibling === origin.previous && li.nextElementSibling === origin.next) announce(`${titleOf(li)} dropped where it was.`);
    else drop(li, origin);
  });
  handle.addEventListener('keydown', (event) => {
    if (!grabbed) return;
    if (event.key === 'ArrowUp' || event.key === 'ArrowDown' || event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      moving = true;
      if (event.key === 'ArrowUp') li.previousElementSibling?.before(li);
      else if (event.key === 'ArrowDown') li.nextElementSibling?.after(li);
      else if (event.key === 'Home') list.prepend(li);
      else list.append(li);
      handle.focus();
      moving = false;
      li.scrollIntoView({ block: 'nearest' });
      renumber();
      announce(`Position ${numberOf(li)} of ${items().length}.`);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      const origin = grabbed;
      release();
      putBack(li, origin);
      handle.focus();
      announce(`${titleOf(li)}: move cancelled, back at position ${numberOf(li)}.`);
    }
  });
  // Leaving the handle while carrying an item puts it back, as Escape does.
  handle.addEventListener('blur', () => {
    if (!grabbed || moving) return;
    const origin = grabbed;
    release();
    putBack(li, origin);
  });
}

if (list && status) {
  for (const li of items()) addHandle(li);
  document.getElementById('reorder-help').hidden = false;
  renumber();
}
