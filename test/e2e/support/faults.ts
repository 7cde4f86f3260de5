// Steers the fault proxy that sits between the functions and the emulator (emulation/fault-proxy.ts).
import type { FaultRule, FaultStats } from '../../../emulation/fault-proxy.js';
import { stack } from './stack.js';

async function control(method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${stack().faultProxyUrl}/_fault-proxy/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`fault proxy ${method} ${path}: ${response.status} ${await response.text()}`);
  return response;
}

/** Replaces the fault rules; the seed makes the sequence of decisions repeatable. */
export async function setFaults(rules: FaultRule[], seed = 42): Promise<void> {
  await control('PUT', 'rules', { seed, rules });
}

export async function faultStats(): Promise<FaultStats> {
  return (await control('GET', 'stats')).json() as Promise<FaultStats>;
}

/** Clears the rules and the counters. */
export async function resetFaults(): Promise<void> {
  await control('POST', 'reset');
}
