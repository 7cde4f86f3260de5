// Configuration is read and checked once, when a module loads, never per invocation.

/** Returns the environment variable, or throws naming it: a function with missing config must not start. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(`Missing required environment variable ${name}`);
  }
  return value;
}
