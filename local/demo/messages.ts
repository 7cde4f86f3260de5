// What `make demo` says, in English and in Japanese (the brief was written in Japanese). One function
// per sentence, so that each language orders its words as it needs; the scenarios only pick which
// sentence to say. DEMO_LANG=ja, or a Japanese locale (LC_ALL, LC_MESSAGES, LANG), chooses Japanese.

export type Lang = 'en' | 'ja';

/** DEMO_LANG first (en or ja), then the locale as POSIX reads it: LC_ALL, LC_MESSAGES, LANG. */
export function chooseLang(env: Record<string, string | undefined>): Lang {
  const asked = env.DEMO_LANG?.trim().toLowerCase();
  if (asked !== undefined && asked !== '') return asked.startsWith('ja') ? 'ja' : 'en';
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

/** Money in minor units, as the currency writes it (JPY has none: 2400 is ¥2,400). */
export function money(amount: number, currency: string, lang: Lang): string {
  const format = new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-US', { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 0;
  return format.format(amount / 10 ** digits);
}

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

export interface Messages {
  intro(api: string, console: string): string;
  reset(products: { name: string; stock: number }[], table: string): string;
  scenario(n: number, title: string): string;
  normalTitle: string;
  scarceTitle: string;
  rushTitle: string;
  normalWhat(quantity: number, product: string, stock: number): string;
  scarceWhat(quantity: number, product: string, stock: number): string;
  rushWhat(orders: number, product: string, stock: number): string;
  accepted(orderId: string, total: string): string;
  acceptedMany(count: number, ms: number): string;
  fanOut: string;
  inventoryReserved(before: number, after: number): string;
  inventoryRejected(reason: string): string;
  paymentCaptured(total: string): string;
  paymentVoided(state: 'VOIDED' | 'REFUNDED'): string;
  notified(kinds: string[]): string;
  final(status: string, ms: number, reason?: string): string;
  carriedOn: string;
  stockAfter(before: number, after: number): string;
  rushResult(confirmed: number, cancelled: number, ms: number): string;
  rushStock(before: number, after: number, confirmed: number): string;
  rushCancelled(count: number, voided: number, notified: number): string;
  rushCharged(count: number, total: string): string;
  lookNormal(url: string): string;
  lookScarce(url: string): string;
  lookRush(url: string): string;
  expected(what: string, wanted: string, got: string): string;
  waiting(what: string): string;
  passed(ms: number): string;
  failed(count: number): string;
  notify: Record<string, string>;
}

const en: Messages = {
  intro: (api, console) =>
    `make demo: the three scenarios of the brief, one after another, on the running stack.\n  API:     ${api}\n  Console: ${console}   (open it beside this terminal)`,
  reset: (products, table) =>
    `Resetting the demo products' stock in ${table}: ${products.map((p) => `${p.name} ${p.stock}`).join(', ')}.`,
  scenario: (n, title) => `\n── ${n}/3 ${title} ──`,
  normalTitle: 'A normal order: every service succeeds',
  scarceTitle: 'More than the stock: inventory says no, the others carry on',
  rushTitle: 'Many orders at once for a scarce product',
  normalWhat: (quantity, product, stock) => `The demo customer orders ${quantity} × ${product} (${stock} in stock).`,
  scarceWhat: (quantity, product, stock) =>
    `The demo customer orders ${quantity} × ${product}, but only ${stock} are in stock.`,
  rushWhat: (orders, product, stock) =>
    `${orders} orders for 1 × ${product} arrive at the same moment; there are ${stock} in stock.`,
  accepted: (orderId, total) =>
    `order-api answered 202 Accepted: order ${orderId}, PLACED, ${total}. It stored the order; order-publisher read it from the table's stream and published OrderPlaced to the topic.`,
  acceptedMany: (count, ms) =>
    `order-api accepted all ${count} in ${seconds(ms)} s (202 each); each is announced on the topic by order-publisher.`,
  fanOut:
    'The topic copied OrderPlaced into three queues at once: inventory, billing and notification each work on it in parallel, without knowing about each other.',
  inventoryReserved: (before, after) =>
    `inventory reserved the stock (${before} → ${after}) and published InventoryReserved.`,
  inventoryRejected: (reason) =>
    `inventory refused: ${reason}. It published InventoryRejected (no retry: a business outcome, not an error).`,
  paymentCaptured: (total) => `billing charged ${total} and published PaymentCaptured.`,
  paymentVoided: (state) =>
    state === 'VOIDED'
      ? 'billing worked on the order too, then voided the charge when it heard InventoryRejected (PaymentVoided): no money is kept.'
      : 'billing had already charged, and refunded it when it heard InventoryRejected (PaymentRefunded): no money is kept.',
  notified: (kinds) => `notification emailed the customer: ${kinds.join(', then ')}.`,
  final: (status, ms, reason) =>
    `order-status applied every result and set the order ${status}${reason === undefined ? '' : ` (reason: ${reason})`}, ${seconds(ms)} s after it was placed.`,
  carriedOn:
    "Inventory's refusal failed nothing else: billing and notification handled the same OrderPlaced on their own queues.",
  stockAfter: (before, after) => `Stock: ${before} before, ${after} after (nothing was reserved).`,
  rushResult: (confirmed, cancelled, ms) =>
    `${confirmed} orders CONFIRMED and ${cancelled} CANCELLED, all final within ${seconds(ms)} s.`,
  rushStock: (before, after, confirmed) =>
    `Stock: ${before} → ${after}, exactly ${before} − ${confirmed}. Each reservation is a DynamoDB transaction whose condition refuses to go below 0, so concurrent orders can never oversell.`,
  rushCancelled: (count, voided, notified) =>
    `The ${count} cancelled orders: inventory refused them, billing voided or refunded ${voided}, notification sent ${notified} cancellation emails saying why.`,
  rushCharged: (count, total) => `Billing kept ${count} charges, ${total} in all: one per confirmed order.`,
  lookNormal: (url) =>
    `Console: ${url}\n  The topology shows OrderPlaced on the inventory, billing and notification queues; the waterfall shows their three bars starting at about the same time, then order-status applying the results.`,
  lookScarce: (url) =>
    `Console: ${url}\n  The order is CANCELLED with its reason; its events list InventoryRejected and the billing event that undid the charge. Click an event for its payload, and "Publish again" to see every consumer ignore a duplicate.`,
  lookRush: (url) =>
    `Console: ${url}\n  Twenty orders appear at once; watch the queues' visible and in-flight counts rise and drain, and open a cancelled one for its "out of stock" reason.`,
  expected: (what, wanted, got) => `✗ ${what}: expected ${wanted}, got ${got}`,
  waiting: (what) => `✗ gave up waiting for ${what}`,
  passed: (ms) => `\nAll three scenarios ended as the brief says (${seconds(ms)} s).`,
  failed: (count) => `\n${count} outcome(s) differed from the brief (see ✗ above): make demo failed.`,
  notify: { ORDER_RECEIVED: 'order received', ORDER_CONFIRMED: 'order confirmed', ORDER_CANCELLED: 'order cancelled' },
};

const ja: Messages = {
  intro: (api, console) =>
    `make demo: 依頼書にある 3 つのシナリオを、起動中のスタックで順に実行します。\n  API:       ${api}\n  コンソール: ${console}   (このターミナルの横に開いておくと、動きが見えます)`,
  reset: (products, table) =>
    `デモ用商品の在庫を ${table} テーブルでリセットします: ${products.map((p) => `${p.name} ${p.stock} 個`).join('、')}。`,
  scenario: (n, title) => `\n── ${n}/3 ${title} ──`,
  normalTitle: '通常の注文: すべてのサービスが成功する',
  scarceTitle: '在庫を超える注文: 在庫サービスは断り、他のサービスは処理を続ける',
  rushTitle: '在庫の少ない商品に同時に多数の注文',
  normalWhat: (quantity, product, stock) =>
    `デモ用の顧客が ${product} を ${quantity} 個注文します (在庫 ${stock} 個)。`,
  scarceWhat: (quantity, product, stock) =>
    `デモ用の顧客が ${product} を ${quantity} 個注文しますが、在庫は ${stock} 個しかありません。`,
  rushWhat: (orders, product, stock) =>
    `${product} を 1 個ずつ注文する ${orders} 件の注文が同時に届きます。在庫は ${stock} 個です。`,
  accepted: (orderId, total) =>
    `order-api が 202 Accepted を返しました: 注文 ${orderId}、状態 PLACED、合計 ${total}。注文はテーブルに保存され、order-publisher がテーブルのストリームから読み取って OrderPlaced をトピックに発行しました。`,
  acceptedMany: (count, ms) =>
    `order-api は ${count} 件すべてを ${seconds(ms)} 秒で受け付けました (すべて 202)。どの注文も order-publisher がトピックに発行します。`,
  fanOut:
    'トピックは OrderPlaced を 3 つのキューへ同時にコピーしました。在庫・請求・通知の各サービスは、互いを知らないまま並行して処理します。',
  inventoryReserved: (before, after) =>
    `在庫サービス (inventory) が在庫を引き当て (${before} → ${after})、InventoryReserved を発行しました。`,
  inventoryRejected: (reason) =>
    `在庫サービス (inventory) は注文を断りました: ${reason}。InventoryRejected を発行しました (エラーではなく業務上の結果なので、再試行はしません)。`,
  paymentCaptured: (total) => `請求サービス (billing) が ${total} を決済し、PaymentCaptured を発行しました。`,
  paymentVoided: (state) =>
    state === 'VOIDED'
      ? '請求サービス (billing) もこの注文を処理し、InventoryRejected を受けて決済を取り消しました (PaymentVoided)。代金は受け取りません。'
      : '請求サービス (billing) は決済済みでしたが、InventoryRejected を受けて返金しました (PaymentRefunded)。代金は受け取りません。',
  notified: (kinds) =>
    `通知サービス (notification) が顧客にメールを送りました: ${kinds.map((kind) => `「${kind}」`).join('、続いて')}。`,
  final: (status, ms, reason) =>
    `注文状態サービス (order-status) がすべての結果を反映し、注文を ${status} にしました${reason === undefined ? '' : ` (理由: ${reason})`}。注文から ${seconds(ms)} 秒後です。`,
  carriedOn:
    '在庫サービスが断っても、他のサービスは止まりません。請求と通知は、それぞれ自分のキューで同じ OrderPlaced を処理しました。',
  stockAfter: (before, after) => `在庫: 注文前 ${before} 個、注文後 ${after} 個 (何も引き当てられていません)。`,
  rushResult: (confirmed, cancelled, ms) =>
    `${confirmed} 件が CONFIRMED、${cancelled} 件が CANCELLED になりました。すべて ${seconds(ms)} 秒以内に確定しています。`,
  rushStock: (before, after, confirmed) =>
    `在庫: ${before} → ${after} 個。ちょうど ${before} − ${confirmed} です。引き当ては DynamoDB のトランザクションで行い、その条件が 0 未満になる更新を拒否するので、同時に注文が来ても在庫を超えて売ること (売り越し) はありません。`,
  rushCancelled: (count, voided, notified) =>
    `キャンセルされた ${count} 件: 在庫サービスが断り、請求サービスが ${voided} 件の決済を取り消しまたは返金し、通知サービスが ${notified} 通のキャンセルメールで理由を伝えました。`,
  rushCharged: (count, total) =>
    `請求サービスに残った決済は ${count} 件、合計 ${total}。確定した注文 1 件につき 1 件です。`,
  lookNormal: (url) =>
    `コンソール: ${url}\n  トポロジーでは OrderPlaced が inventory・billing・notification の各キューに届く様子が、ウォーターフォールではその 3 本のバーがほぼ同時に始まり、続いて order-status が結果を反映する様子が見えます。`,
  lookScarce: (url) =>
    `コンソール: ${url}\n  注文は理由付きで CANCELLED になっています。イベント一覧に InventoryRejected と、決済を取り消した請求イベントが並びます。イベントをクリックするとペイロードが表示され、「Publish again」を押すと、重複したイベントをどのサービスも無視することを確かめられます。`,
  lookRush: (url) =>
    `コンソール: ${url}\n  20 件の注文が一度に現れます。キューの visible と in flight の数が増えてから減っていく様子を見て、キャンセルされた注文を開くと「out of stock」の理由が読めます。`,
  expected: (what, wanted, got) => `✗ ${what}: 期待値 ${wanted}、実際は ${got}`,
  waiting: (what) => `✗ ${what} を待ちましたが、時間内に終わりませんでした`,
  passed: (ms) => `\n3 つのシナリオはすべて依頼書のとおりに終わりました (${seconds(ms)} 秒)。`,
  failed: (count) => `\n${count} 件の結果が依頼書と異なります (上の ✗ を参照)。make demo は失敗しました。`,
  notify: { ORDER_RECEIVED: '注文受付', ORDER_CONFIRMED: '注文確定', ORDER_CANCELLED: '注文キャンセル' },
};

export const messages: Record<Lang, Messages> = { en, ja };
