import { jest } from '@jest/globals';

// End-to-end tests wait on real queues and a real emulator: give them room, they poll with deadlines.
jest.setTimeout(120_000);
