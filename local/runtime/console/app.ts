/// <reference lib="dom" />
// The console's script (bundled by esbuild when the console is first opened; see server.ts): one
// server-sent event stream, each `state` event redraws the page. Text goes in through textContent only.
import type { ConsoleState } from './server.js';
import type { OrderView } from './view.js';

type State = ConsoleState;

const $ = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`#${id} is missing from page.html`);
  return found as T;
};

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

const clock = (iso: string | undefined): string =>
  iso === undefined ? '' : (/T(\d\d:\d\d:\d\d\.\d)/.exec(iso)?.[1] ?? iso);
const elapsed = (from: string, to: string): string => {
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`) : '';
};
/** The same colour for a function everywhere on the page (and stable across reloads). */
const hue = (name: string): number => [...name].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 360, 7);
const fnChip = (name: string): HTMLElement => {
  const chip = el('span', { class: 'fn' }, name);
  chip.style.setProperty('--hue', String(hue(name)));
  return chip;
};

let selected: string | undefined = location.hash.slice(1) || undefined;
let last: State | undefined;

function renderOrders(orders: OrderView[]): void {
  const body = $('orders');
  if (orders.length === 0) return;
  body.replaceChildren(
    ...orders.map((order) => {
      const trail =
        order.statuses.length === 0
          ? 'events only: not placed through this API'
          : order.statuses
              .map((s, i) => `${s.status}${i === 0 ? '' : ` +${elapsed(order.statuses[0]?.time ?? s.time, s.time)}`}`)
              .join(' → ');
      const row = el(
        'tr',
        {
          'data-order': order.orderId,
          'data-status': order.status,
          class: order.orderId === selected ? 'selected' : '',
        },
        el('td', { class: 'id', title: order.orderId }, order.orderId),
        el('td', {}, el('span', { class: `badge ${order.status.toLowerCase()}` }, order.status)),
        el('td', { class: 'time' }, clock(order.placedAt)),
        el(
          'td',
          { class: 'trail' },
          trail,
          ...(order.reason === undefined ? [] : [el('span', { class: 'reason' }, ` — ${order.reason}`)]),
        ),
      );
      row.addEventListener('click', () => {
        selected = order.orderId;
        history.replaceState(null, '', `#${order.orderId}`);
        if (last !== undefined) render(last);
      });
      return row;
    }),
  );
}

function renderTimeline(order: OrderView | undefined): void {
  $('events-of').textContent =
    order === undefined ? 'pick an order' : `of ${order.orderId}, across services, in time order`;
  $('timeline').replaceChildren(
    ...(order?.timeline ?? []).map((entry) =>
      el(
        'li',
        { 'data-fn': entry.functionName, class: entry.level.toLowerCase() },
        el('time', {}, clock(entry.time)),
        fnChip(entry.functionName),
        el(
          'span',
          { class: 'message' },
          entry.message,
          ...(entry.eventType === undefined ? [] : [el('span', { class: 'event' }, entry.eventType)]),
        ),
      ),
    ),
  );
}

function renderQueues(state: State): void {
  const queues = state.queues.filter((q) => !q.dlq);
  $('queues').replaceChildren(
    ...queues.map((q) =>
      el(
        'tr',
        { 'data-queue': q.name },
        el(
          'td',
          { title: q.functionName === undefined ? '' : `polled for ${q.functionName}` },
          el('span', { class: 'queue' }, q.name),
        ),
        el('td', { class: `n${q.visible > 0 ? ' busy' : ''}` }, String(q.visible)),
        el('td', { class: `n${q.inFlight > 0 ? ' busy' : ''}` }, String(q.inFlight)),
      ),
    ),
  );
  const dlq = state.queues.find((q) => q.dlq);
  const depth = dlq === undefined ? undefined : dlq.visible + dlq.inFlight;
  $('dlq-depth').textContent = depth === undefined ? '–' : String(depth);
  $('dlq-count').textContent =
    `message${depth === 1 ? '' : 's'}${dlq !== undefined && dlq.inFlight > 0 ? ` (${dlq.inFlight} in flight)` : ''}`;
  $('dlq-name').textContent = dlq === undefined ? 'no dead-letter queue found' : `in ${dlq.name}`;
  document.querySelector('.dlq')?.classList.toggle('alarm', (depth ?? 0) > 0);
  $<HTMLButtonElement>('redrive').disabled = (depth ?? 0) === 0 || redriving;
}

function renderEmails(state: State): void {
  $('emails-total').textContent = `${state.emails.total} in all`;
  $('emails').replaceChildren(
    ...state.emails.recent.map((email) =>
      el(
        'li',
        {},
        el('time', {}, clock(email.time)),
        el('span', { class: 'to' }, email.to.join(', ')),
        el('span', { class: 'subject' }, email.subject),
      ),
    ),
  );
}

function render(state: State): void {
  last = state;
  if (selected === undefined || !state.orders.some((o) => o.orderId === selected)) selected = state.orders[0]?.orderId;
  renderOrders(state.orders);
  renderTimeline(state.orders.find((o) => o.orderId === selected));
  renderQueues(state);
  renderEmails(state);
  const errors = $('errors');
  errors.hidden = state.errors.length === 0;
  errors.textContent = state.errors.join(' · ');
  const live = $('live');
  live.dataset.state = 'live';
  live.textContent = `live · updated ${clock(state.time)}`;
}

let redriving = false;
$<HTMLButtonElement>('redrive').addEventListener('click', async () => {
  redriving = true;
  const button = $<HTMLButtonElement>('redrive');
  const result = $('redrive-result');
  button.disabled = true;
  result.textContent = 'redriving…';
  try {
    const response = await fetch('/_console/dlq/redrive', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    const report = (await response.json()) as { moved: { queues: string[] }[]; left: { reason: string }[] };
    const queues = [...new Set(report.moved.flatMap((m) => m.queues))].join(', ');
    result.textContent = `moved ${report.moved.length} back${queues === '' ? '' : ` to ${queues}`}${report.left.length > 0 ? `; ${report.left.length} left (${report.left[0]?.reason ?? ''})` : ''}`;
  } catch (error) {
    result.textContent = `redrive failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    redriving = false;
  }
});

const events = new EventSource('/_console/events');
events.addEventListener('state', (event) => render(JSON.parse((event as MessageEvent<string>).data) as State));
events.addEventListener('error', () => {
  const live = $('live');
  live.dataset.state = 'offline';
  live.textContent = 'disconnected: retrying…';
});
