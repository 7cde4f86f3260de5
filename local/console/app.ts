/// <reference lib="dom" />
// The console's script (bundled by esbuild when the console is first opened; see server.ts): one
// server-sent event stream, each `state` event redraws the page: the topology with the selected order's
// events on the paths that delivered them, its waterfall of invocations, its events with their
// payloads, and "Publish again". Text goes in through textContent only.
import type { ConsoleState, PublishAgainReport } from './server.js';
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
let selectedEvent: string | undefined;
let last: State | undefined;
/** The lane deliveries already drawn for the selected order: a new one arrives with an animation. */
let drawn = new Set<string>();
let drawnFor: string | undefined;

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
        selectedEvent = undefined;
        history.replaceState(null, '', `#${order.orderId}`);
        if (last !== undefined) render(last);
      });
      return row;
    }),
  );
}

const box = (title: string, ...lines: (Node | string)[]): (Node | string)[] => [
  el('span', { class: 'box-title' }, title),
  ...lines.map((line) => el('div', {}, line)),
];
const tableChips = (tables: string[]): HTMLElement =>
  el('span', {}, ...tables.map((t) => el('span', { class: 'table', title: 'DynamoDB table' }, t)));

function renderTopology(state: State, order: OrderView | undefined): void {
  const topology = state.topology;
  if (topology === undefined) return;
  $('topology-of').textContent =
    order === undefined
      ? 'one topic, a queue per consumer; place an order to see its events move'
      : `the events of ${order.orderId} appear on each path as it delivers them`;
  $('api-box').replaceChildren(
    ...box(
      'API',
      ...topology.api.map((api) => el('span', {}, fnChip(api.functionName), ' uses ', tableChips(api.tables))),
    ),
  );
  $('stream-box').replaceChildren(
    ...box(
      'Outbox',
      ...topology.streams.map((stream) =>
        el('span', {}, el('span', { class: 'table' }, stream.table), ' stream → ', fnChip(stream.functionName)),
      ),
    ),
  );
  const types = order?.events.map((e) => e.type) ?? [];
  $('topic-box').replaceChildren(
    ...box(
      'SNS topic',
      el('span', { class: 'queue' }, topology.topic?.name ?? 'no topic found'),
      el('span', { class: 'chips' }, ...types.map((type) => el('span', { class: 'chip' }, type))),
    ),
  );
  if (order?.orderId !== drawnFor) {
    drawn = new Set();
    drawnFor = order?.orderId;
  }
  const counts = new Map(state.queues.map((q) => [q.name, q]));
  const next = new Set<string>();
  $('lanes').replaceChildren(
    ...topology.lanes.map((lane) => {
      const q = counts.get(lane.queue);
      const delivered = (order?.events ?? []).flatMap((event) =>
        event.deliveries
          .map((d, i) => ({ ...d, key: `${event.id}|${lane.queue}|${i}`, type: event.type }))
          .filter((d) => d.queue === lane.queue),
      );
      const chips = delivered.map((d) => {
        next.add(d.key);
        return el(
          'span',
          {
            class: `chip ${d.outcome}${drawn.has(d.key) ? '' : ' arrived'}`,
            'data-event': d.type,
            title: `${d.functionName} ${d.outcome} it at ${clock(d.time)}`,
          },
          d.type,
        );
      });
      return el(
        'tr',
        { 'data-queue': lane.queue, 'data-lane': lane.queue },
        el(
          'td',
          { class: 'policy', title: lane.filterPolicy ?? 'no filter policy: every event' },
          ...(lane.eventTypes ?? ['(every event)']).map((type) =>
            el('span', { class: `type${types.includes(type) ? ' seen' : ''}` }, type),
          ),
        ),
        el('td', {}, el('span', { class: 'queue' }, lane.queue)),
        el('td', { class: `n visible${(q?.visible ?? 0) > 0 ? ' busy' : ''}` }, String(q?.visible ?? 0)),
        el('td', { class: `n in-flight${(q?.inFlight ?? 0) > 0 ? ' busy' : ''}` }, String(q?.inFlight ?? 0)),
        el('td', {}, lane.functionName === undefined ? '–' : fnChip(lane.functionName)),
        el('td', {}, tableChips(lane.tables)),
        el('td', { class: 'chips delivered' }, ...chips),
      );
    }),
  );
  drawn = next;
  $('lanes-dlq').textContent = topology.dlq ?? 'the dead-letter queue';
}

/** The order's invocations as a waterfall: one bar per batch that held a record of it, on one time axis. */
function renderWaterfall(order: OrderView | undefined): void {
  const target = $('waterfall');
  $('waterfall-of').textContent =
    order === undefined ? 'pick an order' : `of ${order.orderId}: each bar is one invocation, start to end`;
  if (order === undefined || order.invocations.length === 0) {
    target.replaceChildren(el('p', { class: 'note' }, order === undefined ? '' : 'no invocation seen yet'));
    return;
  }
  const t0 = Math.min(Date.parse(order.placedAt), ...order.invocations.map((i) => Date.parse(i.startedAt)));
  const t1 = Math.max(...order.invocations.map((i) => Date.parse(i.endedAt)), t0 + 1);
  const span = t1 - t0;
  const pct = (t: number): string => `${(((t - t0) / span) * 100).toFixed(2)}%`;
  const rows = order.invocations.map((inv) => {
    const start = Date.parse(inv.startedAt);
    const end = Date.parse(inv.endedAt);
    const bar = el('span', {
      class: `bar ${inv.outcome}`,
      title: `${inv.functionName} · ${inv.eventType ?? inv.source} · ${clock(inv.startedAt)} → ${clock(inv.endedAt)} (${end - start} ms), batch of ${inv.batchSize}${inv.receiveCount !== undefined && inv.receiveCount > 1 ? `, delivery ${inv.receiveCount}` : ''}`,
    });
    bar.style.left = pct(start);
    bar.style.width = `max(3px, ${(((end - start) / span) * 100).toFixed(2)}%)`;
    bar.style.setProperty('--hue', String(hue(inv.functionName)));
    return el(
      'div',
      {
        class: 'wf-row',
        'data-fn': inv.functionName,
        'data-event': inv.eventType ?? '',
        'data-outcome': inv.outcome,
        'data-start': inv.startedAt,
        'data-end': inv.endedAt,
      },
      el(
        'span',
        { class: 'wf-label' },
        fnChip(inv.functionName),
        el('span', { class: 'event' }, inv.eventType ?? `${inv.source}`),
        ...(inv.receiveCount !== undefined && inv.receiveCount > 1
          ? [el('span', { class: 'again' }, `×${inv.receiveCount}`)]
          : []),
      ),
      el('span', { class: 'wf-track' }, bar),
      el('span', { class: 'wf-time' }, `+${start - t0} → +${end - t0} ms`),
    );
  });
  target.replaceChildren(
    ...rows,
    el(
      'div',
      { class: 'wf-axis' },
      el('span', {}, `0 ms (${clock(new Date(t0).toISOString())})`),
      el('span', {}, `${span} ms`),
    ),
  );
}

/** The word of a payload that tells two events of one type apart (a NotificationSent's kind). */
const detail = (payload: unknown): HTMLElement[] => {
  const kind = (payload as { data?: { kind?: unknown } } | undefined)?.data?.kind;
  return typeof kind === 'string' ? [el('small', { class: 'kind' }, ` ${kind}`)] : [];
};

function renderEvents(order: OrderView | undefined): void {
  const events = order?.events ?? [];
  $('events').replaceChildren(
    ...events.map((event) => {
      const item = el(
        'li',
        {
          'data-event-id': event.id,
          'data-event-type': event.type,
          class: event.id === selectedEvent ? 'selected' : '',
        },
        el('time', {}, clock(event.time)),
        el('span', { class: 'ev-type' }, event.type, ...detail(event.payload)),
        el(
          'span',
          { class: 'deliveries' },
          ...event.deliveries.map((d) =>
            el(
              'span',
              { class: `fn-dot ${d.outcome}`, title: `${d.queue}: ${d.outcome} at ${clock(d.time)}` },
              fnChip(d.functionName),
            ),
          ),
        ),
      );
      item.addEventListener('click', () => {
        selectedEvent = event.id;
        $('republish-result').replaceChildren();
        if (last !== undefined) render(last);
      });
      return item;
    }),
  );
  const event = events.find((e) => e.id === selectedEvent);
  const panel = $('payload-panel');
  panel.hidden = event === undefined;
  if (event === undefined) return;
  $('payload-title').textContent = `${event.type} · ${event.id}`;
  $('payload').textContent = JSON.stringify(event.payload, null, 2);
  $<HTMLButtonElement>('publish-again').disabled = publishing;
}

let publishing = false;
$<HTMLButtonElement>('publish-again').addEventListener('click', async () => {
  const eventId = selectedEvent;
  if (eventId === undefined) return;
  publishing = true;
  const button = $<HTMLButtonElement>('publish-again');
  const result = $('republish-result');
  button.disabled = true;
  result.replaceChildren(el('p', { class: 'note' }, 'publishing again, and waiting for every consumer…'));
  try {
    const response = await fetch('/_console/publish-again', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventId }),
    });
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    const report = (await response.json()) as PublishAgainReport;
    const ignored = report.unchanged && report.missing.length === 0;
    result.dataset.unchanged = String(report.unchanged);
    result.replaceChildren(
      el(
        'p',
        { class: `verdict ${ignored ? 'ok' : 'bad'}` },
        ignored
          ? `Nothing doubled: ${report.expected.length} consumer(s) received ${report.type} again and changed nothing.`
          : report.unchanged
            ? `Nothing changed, but ${report.missing.join(', ')} did not deliver the duplicate in time.`
            : 'Something changed: a consumer did not ignore the duplicate.',
      ),
      el(
        'ul',
        { class: 'deliveries-again' },
        ...report.expected.map((consumer) => {
          const got = report.deliveries.filter((d) => d.queue === consumer.queue);
          return el(
            'li',
            { 'data-queue': consumer.queue, 'data-outcome': got.at(-1)?.outcome ?? 'missing' },
            el('span', { class: 'queue' }, consumer.queue),
            ' → ',
            fnChip(consumer.functionName ?? '?'),
            ` ${got.length === 0 ? 'not delivered yet' : `${got.at(-1)?.outcome ?? ''} the duplicate`}`,
          );
        }),
      ),
      el(
        'table',
        { class: 'footprint' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            el('th', {}, 'what each table holds of the order'),
            el('th', { class: 'n' }, 'before'),
            el('th', { class: 'n' }, 'after'),
            el('th', {}, ''),
          ),
        ),
        el(
          'tbody',
          {},
          ...report.before.tables.map((before) => {
            const after = report.after.tables.find((t) => t.table === before.table);
            const same = after !== undefined && after.items === before.items && after.digest === before.digest;
            return el(
              'tr',
              { 'data-table': before.table, 'data-same': String(same) },
              el('td', {}, el('span', { class: 'table' }, before.table)),
              el('td', { class: 'n' }, `${before.items}`),
              el('td', { class: 'n' }, `${after?.items ?? '?'}`),
              el('td', { class: same ? 'same' : 'changed' }, same ? 'unchanged' : 'CHANGED'),
            );
          }),
          el(
            'tr',
            { 'data-table': 'emails', 'data-same': String(report.before.emails === report.after.emails) },
            el('td', {}, 'emails sent'),
            el('td', { class: 'n' }, String(report.before.emails)),
            el('td', { class: 'n' }, String(report.after.emails)),
            el(
              'td',
              { class: report.before.emails === report.after.emails ? 'same' : 'changed' },
              report.before.emails === report.after.emails ? 'unchanged' : 'CHANGED',
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    result.replaceChildren(
      el(
        'p',
        { class: 'verdict bad' },
        `publish again failed: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  } finally {
    publishing = false;
    button.disabled = false;
  }
});

function renderQueues(state: State): void {
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
  const order = state.orders.find((o) => o.orderId === selected);
  renderOrders(state.orders);
  renderTopology(state, order);
  renderWaterfall(order);
  renderEvents(order);
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
