// `make api-url`: prints the running local stack's API URL and nothing else, read from its Terraform
// state's outputs (the API's id and stage), so that a command can use it as pasted:
//   API=$(make api-url); curl -s "$API/orders/<orderId>" -H "Authorization: $TOKEN"
// The same URL make up prints; on moto it is the local runtime's front door (API_PORT).
//   npx tsx local/stack/api-url.ts [--state FILE]   (AWS_ENDPOINT_URL: the emulator)
import { parseArgs } from 'node:util';
import { apiUrl } from '../ops/status.js';
import { findState, outputs } from '../state.js';

const { values } = parseArgs({ options: { state: { type: 'string' } } });
const state = findState(values.state);
if (state === undefined) {
  console.error('make api-url: no Terraform state of a local stack found: start one with make up');
  process.exit(1);
}
const { api_id: apiId, stage_name: stage } = await outputs(state);
if (typeof apiId !== 'string' || typeof stage !== 'string') {
  console.error(`make api-url: ${state} has no api_id and stage_name outputs: is the stack applied?`);
  process.exit(1);
}
const endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:4566';
console.log(await apiUrl(apiId, stage, endpoint, process.env.AWS_REGION ?? 'us-east-1'));
