// Configuration is read and checked once, when a module loads, never per invocation.

/** Returns the environment variable, or throws naming it: a function with missing config must not start. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(`Missing required environment variable ${name}`);
  }
  return value;
}

/** Returns the environment variable as a whole number of seconds, or throws naming it (a misread number must not start a function). */
export function requireSeconds(name: string): number {
  const value = requireEnv(name);
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new Error(`Environment variable ${name} must be a whole number of seconds, not ${JSON.stringify(value)}`);
  }
  return seconds;
}
