// Jest's own order for the e2e files, except two go last: watch.test.ts, whose "answers within 2 s
// of the save" is a timing claim, runs once the other e2e lane of `make test` (failures and
// contention, about 5 minutes) has likely ended and left it the CPU (beside both other lanes it
// measured 2017 ms once; alone, 918); destroy.test.ts after it: it tears down the stack every other file uses.
const Sequencer = require('@jest/test-sequencer').default;

const LAST = ['watch.test.ts', 'destroy.test.ts'];
const rank = (test) => LAST.findIndex((name) => test.path.endsWith(name));

class TimingAndDestroyLast extends Sequencer {
  sort(tests) {
    return Promise.resolve(super.sort(tests)).then((sorted) => [...sorted].sort((a, b) => rank(a) - rank(b)));
  }
}

module.exports = TimingAndDestroyLast;
