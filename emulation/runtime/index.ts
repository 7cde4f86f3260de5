// The local runtime's public API (local/stack/stack.ts and the tests import from here).
export { startRuntime, CodeMismatchError, type Runtime, type RuntimeOptions, type ReadyInfo } from './runtime.js';
export type { Deployment, DeployedApi, DeployedFunction, DeployedMapping } from './discovery.js';
export type { BatchItem, BatchReport, BatchSource, OutputReport, RequestReport, RuntimeReport } from './reports.js';
export type { LocalRoutes } from './api/front-door.js';
