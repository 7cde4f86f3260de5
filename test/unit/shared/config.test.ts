import { afterEach, describe, expect, it } from '@jest/globals';
import { requireEnv, requireSeconds } from '../../../functions/shared/config.js';

const NAME = 'ORDER_FANOUT_TEST_SETTING';

afterEach(() => {
  delete process.env[NAME];
});

describe('requireEnv', () => {
  it('returns the value, and refuses a missing or blank one by name', () => {
    process.env[NAME] = 'orders';
    expect(requireEnv(NAME)).toBe('orders');
    process.env[NAME] = '  ';
    expect(() => requireEnv(NAME)).toThrow(`Missing required environment variable ${NAME}`);
    delete process.env[NAME];
    expect(() => requireEnv(NAME)).toThrow(NAME);
  });
});

describe('requireSeconds', () => {
  it('returns a whole, positive number of seconds', () => {
    process.env[NAME] = '10';
    expect(requireSeconds(NAME)).toBe(10);
  });

  it.each(['ten', '0', '-5', '2.5', ''])('refuses %j: a misread timeout must not start the function', (value) => {
    process.env[NAME] = value;
    expect(() => requireSeconds(NAME)).toThrow(NAME);
  });
});
