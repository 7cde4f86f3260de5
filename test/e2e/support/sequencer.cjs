// Jest's own order for the e2e files, except destroy.test.ts runs last: it tears down the stack
// every other file uses.
const Sequencer = require('@jest/test-sequencer').default;

const last = (test) => (test.path.endsWith('destroy.test.ts') ? 1 : 0);

class DestroyLast extends Sequencer {
  sort(tests) {
    return Promise.resolve(super.sort(tests)).then((sorted) => [...sorted].sort((a, b) => last(a) - last(b)));
  }
}

module.exports = DestroyLast;
