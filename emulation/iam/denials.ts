// A refusal as the service answers it on AWS, in the protocol the caller speaks, so that the SDK
// raises the error it raises on AWS (AccessDeniedException, AuthorizationError, AccessDenied, …) and
// functions/shared/failures.ts classifies what it would classify there.
import { randomUUID } from 'node:crypto';
import type { SignedCall } from './requests.js';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** How each service spells an action in its denial message (SNS upper-cases its prefix, SQS lower-cases the action). */
export function spelledAction(service: string, action: string): string {
  if (service === 'sns') return action.replace(/^sns:/, 'SNS:');
  if (service === 'sqs') return action.toLowerCase();
  return action;
}

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An error with the code each protocol carries it by: JSON's __type, the query protocol's XML, REST-JSON's header. */
function errorAnswer(call: SignedCall, status: number, code: string, message: string): Answer {
  const requestId = randomUUID();
  if (call.protocol === 'query') {
    const xmlns = call.service === 'sns' ? ' xmlns="http://sns.amazonaws.com/doc/2010-03-31/"' : '';
    return {
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: `<ErrorResponse${xmlns}><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  if (call.protocol === 'rest')
    return {
      status,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': code },
      body: JSON.stringify({ message }),
    };
  // JSON protocols: DynamoDB's coral type and capitalised Message; SQS and SNS (query-compatible JSON)
  // also say the query code, which their SDKs use as the error's name.
  const queryCompatible = call.service === 'sqs' || call.service === 'sns';
  const type = code === 'AccessDenied' || code === 'AuthorizationError' ? code : `com.amazon.coral.service#${code}`;
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': requestId,
      ...(queryCompatible ? { 'x-amzn-query-error': `${code};Sender` } : {}),
    },
    body: JSON.stringify(queryCompatible ? { __type: type, message } : { __type: type, Message: message }),
  };
}

/** Not authorised: DynamoDB's and SESv2's AccessDeniedException, SQS's AccessDenied, SNS's AuthorizationError. */
export function accessDenied(call: SignedCall, message: string): Answer {
  if (call.service === 'sns') return errorAnswer(call, 403, 'AuthorizationError', message);
  if (call.service === 'sqs')
    return call.protocol === 'query'
      ? errorAnswer(call, 403, 'AccessDenied', message)
      : errorAnswer(call, 400, 'AccessDenied', message);
  return errorAnswer(call, call.protocol === 'rest' ? 403 : 400, 'AccessDeniedException', message);
}

/** Credentials AWS did not issue (here: that name no role the runtime assumed for a function). */
export function unrecognizedCredentials(call: SignedCall): Answer {
  const message = 'The security token included in the request is invalid.';
  return call.protocol === 'query' || call.service === 'sqs' || call.service === 'sns'
    ? errorAnswer(call, 403, 'InvalidClientTokenId', message)
    : errorAnswer(call, call.protocol === 'rest' ? 403 : 400, 'UnrecognizedClientException', message);
}

/** SES in the sandbox, asked to send to an address that is not a verified identity. */
export function recipientNotVerified(call: SignedCall, region: string, addresses: string[]): Answer {
  return errorAnswer(
    call,
    400,
    'MessageRejected',
    `Email address is not verified. The following identities failed the check in region ${region.toUpperCase()}: ${addresses.join(', ')}`,
  );
}
