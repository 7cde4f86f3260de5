import { jest } from '@jest/globals';

// The emulation tests wait on a real emulator and real queues: give them room, they poll with deadlines.
jest.setTimeout(120_000);
