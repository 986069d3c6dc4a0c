// The orders grid: virtual scrolling over GET /api/orders pages, kept current by GET /api/orders/stream (SSE).
// Plain JS, no build step. Rows have a fixed height, so the row at any scroll position is found by arithmetic.
'use strict';

const ROW_HEIGHT = 28;        // must match --row-height in grid.css
const PAGE_SIZE = 100;        // rows per GET; the server allows up to 500
const OVERSCAN = 10;          // rows rendered above and below the visible ones, so fast scrolls show no gaps
const MAX_CACHED_PAGES = 50;  // least recently used pages beyond this are forgotten

const viewport = document.getElementById('viewport');
const spacer = document.getElementById('spacer');
const rowsElement = document.getElementById('rows');
const totalElement = document.getElementById('total');
const statusElement = document.getElementById('status');

let total = 0;
let generation = 0;            // bumped by a reset: pages of an older generation are shown but fetched again
const pages = new Map();       // page number -> { rows: [], generation }; Map order = least recently used first
// Page number being fetched -> the events that arrived meanwhile. The server may have read the page before such an
// event's write, so each is applied again to the answer: an answer never undoes what an event already showed.
const loading = new Map();
let renderQueued = false;

const columns = ['pos', 'order', 'customer', 'level', 'product', 'quantity', 'price', 'state', 'payment'];
const money = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function setTotal(count) {
  // Rows are never deleted, so the total only grows; an older answer cannot shrink the grid.
  if (count <= total) return;
  const following = total > 0 && viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - ROW_HEIGHT;
  total = count;
  spacer.style.height = `${total * ROW_HEIGHT}px`;
  totalElement.textContent = `${total.toLocaleString('en')} orders`;
  // At the bottom, stay at the bottom: new orders scroll into view like a log tail.
  if (following) viewport.scrollTop = viewport.scrollHeight;
  scheduleRender();
}

function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => { renderQueued = false; render(); });
}

function render() {
  const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
  const end = Math.min(total, Math.ceil((viewport.scrollTop + viewport.clientHeight) / ROW_HEIGHT) + OVERSCAN);
  const count = Math.max(0, end - first);

  for (let page = Math.floor(first / PAGE_SIZE); page * PAGE_SIZE < end; page++) {
    const cached = pages.get(page);
    if (cached) { pages.delete(page); pages.set(page, cached); } // most recently used
    if (!cached || cached.generation !== generation) loadPage(page);
  }

  while (rowsElement.children.length < count) rowsElement.appendChild(createRow());
  while (rowsElement.children.length > count) rowsElement.lastChild.remove();
  for (let i = 0; i < count; i++) fillRow(rowsElement.children[i], first + i);
  // Every fetch ends in a render, so this is true while rows are on their way and false once all are shown.
  rowsElement.setAttribute('aria-busy', String(loading.size > 0));
}

function createRow() {
  const row = document.createElement('div');
  row.className = 'row';
  row.setAttribute('role', 'row');
  for (const column of columns) {
    const cell = document.createElement('span');
    cell.className = column;
    row.appendChild(cell);
  }
  return row;
}

function fillRow(element, position) {
  element.style.transform = `translateY(${position * ROW_HEIGHT}px)`;
  element.dataset.position = position;
  const order = pages.get(Math.floor(position / PAGE_SIZE))?.rows[position % PAGE_SIZE];
  const cells = element.children;
  cells[0].textContent = (position + 1).toLocaleString('en');
  if (!order) {
    element.classList.add('loading');
    delete element.dataset.orderId;
    for (let i = 1; i < cells.length; i++) cells[i].textContent = i === 1 ? '…' : '';
    cells[7].className = 'state';
    return;
  }
  element.classList.remove('loading');
  element.dataset.orderId = order.orderId;
  cells[1].textContent = order.orderId;
  cells[2].textContent = order.customerName ?? order.customerId;
  cells[3].textContent = order.customerLevel ?? '';
  cells[4].textContent = order.product;
  cells[5].textContent = order.quantity;
  cells[6].textContent = money.format(order.price);
  cells[7].textContent = order.state;
  cells[7].className = `state state-${order.state}`;
  cells[8].textContent = order.paymentAmount == null ? '' : `${money.format(order.paymentAmount)} ${order.paymentCcy}`;
}

async function loadPage(page) {
  if (loading.has(page)) return;
  const eventsMeanwhile = [];
  loading.set(page, eventsMeanwhile);
  const requested = generation;
  try {
    const response = await fetch(`/api/orders?offset=${page * PAGE_SIZE}&limit=${PAGE_SIZE}`);
    if (!response.ok) throw new Error(`GET /api/orders answered ${response.status}`);
    const body = await response.json();
    if (requested !== generation) { scheduleRender(); return; } // a reset came meanwhile: fetch it again
    const rows = [];
    for (const row of body.rows) rows[row.position - page * PAGE_SIZE] = row;
    for (const apply of eventsMeanwhile) apply(rows); // in the order they came, as the server wrote them
    pages.delete(page);
    pages.set(page, { rows, generation });
    while (pages.size > MAX_CACHED_PAGES) pages.delete(pages.keys().next().value);
    setTotal(body.total);
    scheduleRender();
    if (statusElement.textContent.startsWith('error')) showLive(document.body.dataset.live === 'true');
  } catch (error) {
    statusElement.textContent = `error: ${error.message}`;
    setTimeout(scheduleRender, 2000); // try again later, not in a tight loop
  } finally {
    loading.delete(page);
  }
}

function showLive(live) {
  statusElement.textContent = live ? 'live' : 'reconnecting…';
  statusElement.classList.toggle('live', live);
  if (live) document.body.dataset.live = 'true'; else delete document.body.dataset.live;
}

function connect() {
  const stream = new EventSource('/api/orders/stream');
  stream.onopen = () => showLive(true);
  // EventSource reconnects by itself; the new stream starts with a reset.
  stream.onerror = () => showLive(false);
  stream.addEventListener('reset', event => {
    generation++;
    setTotal(JSON.parse(event.data).total);
    scheduleRender();
  });
  stream.addEventListener('row', event => {
    const { total: count, row } = JSON.parse(event.data);
    const page = Math.floor(row.position / PAGE_SIZE);
    const apply = rows => { rows[row.position % PAGE_SIZE] = row; };
    const cached = pages.get(page);
    if (cached) apply(cached.rows);
    loading.get(page)?.push(apply);
    setTotal(count);
    scheduleRender();
  });
  stream.addEventListener('customer', event => {
    const customer = JSON.parse(event.data);
    const apply = rows => {
      for (const row of rows) {
        if (row && row.customerId === customer.customerId) {
          row.customerName = customer.customerName;
          row.customerLevel = customer.customerLevel;
        }
      }
    };
    for (const { rows } of pages.values()) apply(rows);
    for (const eventsMeanwhile of loading.values()) eventsMeanwhile.push(apply);
    scheduleRender();
  });
}

viewport.addEventListener('scroll', scheduleRender, { passive: true });
window.addEventListener('resize', scheduleRender);
loadPage(0);
connect();
