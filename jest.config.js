// Four projects: `unit` needs no network; `emulation` proves the emulation kit (emulation/) on a bare
// emulator each file starts on a free port, no Terraform; `e2e` runs against the local stack it starts
// itself; `rehearsal` rehearses infra/envs/aws on an emulator of its own (make rehearse), without that stack.
// middy is ESM-only, so tests run as native ESM (node --experimental-vm-modules), transformed by swc.
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
};
// Sources import './x.js' (ESM style); map that to the .ts file in tests.
const moduleNameMapper = { '^(\\.{1,2}/.*)\\.js$': '$1' };
const common = { extensionsToTreatAsEsm: ['.ts'], transform, moduleNameMapper, testEnvironment: 'node' };

export default {
  // destroy.test.ts tears the e2e stack down, so it runs after every other file.
  testSequencer: '<rootDir>/test/e2e/support/sequencer.cjs',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      setupFilesAfterEnv: ['aws-sdk-client-mock-jest'],
    },
    {
      ...common,
      displayName: 'emulation',
      testMatch: ['<rootDir>/test/emulation/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/emulation/support/setup.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/e2e/support/setup.ts'],
      globalSetup: '<rootDir>/test/e2e/global-setup.mjs',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.mjs',
    },
    {
      ...common,
      displayName: 'rehearsal',
      testMatch: ['<rootDir>/test/rehearsal/**/*.test.ts'],
    },
  ],
};
