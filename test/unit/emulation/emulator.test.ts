// startEmulator's decisions, without moto: loopback servers stand in for what may hold the port.
import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { answersAws, EmulatorError, freePort, isListening, startEmulator } from '../../../emulation/emulator.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const port = await freePort();
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
  return port;
}

describe('startEmulator', () => {
  it('reuses whatever answers AWS calls on the port, and its stop() leaves it running', async () => {
    const port = await listen((_request, response) => {
      response.end('<GetCallerIdentityResponse><Account>000000000000</Account></GetCallerIdentityResponse>');
    });

    const emulator = await startEmulator({ port, command: ['false'] });
    await emulator.stop();

    expect(emulator).toMatchObject({ url: `http://127.0.0.1:${port}`, started: false, pid: undefined });
    expect(await isListening('127.0.0.1', port)).toBe(true);
  });

  it('refuses a port held by something that is not an AWS emulator', async () => {
    const port = await listen((_request, response) => {
      response.statusCode = 404;
      response.end('not here');
    });

    await expect(startEmulator({ port, command: ['false'] })).rejects.toThrow(
      /in use by something that does not answer AWS API calls/,
    );
  });

  it('reports a moto_server that exits before it answers, with its output', async () => {
    const port = await freePort();

    const attempt = startEmulator({ port, command: ['false'], readyTimeoutMs: 5000 });

    await expect(attempt).rejects.toBeInstanceOf(EmulatorError);
    await expect(attempt).rejects.toThrow(/false exited with 1/);
  });

  it('reports a command that cannot be started', async () => {
    await expect(startEmulator({ port: await freePort(), command: ['/nonexistent/moto_server'] })).rejects.toThrow(
      /could not start/,
    );
  });
});

describe('helpers', () => {
  it('freePort returns a port nothing listens on', async () => {
    const port = await freePort();

    expect(port).toBeGreaterThan(0);
    expect(await isListening('127.0.0.1', port)).toBe(false);
  });

  it('answersAws is false when nothing listens', async () => {
    expect(await answersAws(`http://127.0.0.1:${await freePort()}`, 500)).toBe(false);
  });
});
