// The one clock type of the functions: a domain that reads the time takes `now: Clock` among its
// dependencies, so that a test can hold time still or move it on. It reads the instant as the
// domains write it everywhere, in their records and their events: an ISO 8601 UTC string
// (toISOString). The two that count seconds (order-api's key expiry, the sweeper's ages) parse it.
export type Clock = () => string;
