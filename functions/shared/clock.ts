// The one clock type of the functions: a domain that reads the time takes `now: Clock` among its
// dependencies, so that a test can hold time still or move it on. A Date, not a string: the domains
// both stamp ISO times (toISOString) and count seconds (getTime), and a Date gives either without parsing.
export type Clock = () => Date;
