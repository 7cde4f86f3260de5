// RFC 9457 problem details: the one shape of every error order-api answers.
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { FieldProblem } from './errors.js';

const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://order-fanout.example.com/problems/';

const titles: Record<number, [slug: string, title: string]> = {
  400: ['malformed-request', 'Malformed request'],
  401: ['unauthorized', 'Unauthorized'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  409: ['request-in-progress', 'Request in progress'],
  413: ['payload-too-large', 'Payload too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  422: ['invalid-request', 'Invalid request'],
  500: ['internal-error', 'Internal error'],
};

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: FieldProblem[];
}

/** A problem answer and the names of the fields it refuses, kept as a structure for the access log. */
export interface Refusal {
  response: APIGatewayProxyResult;
  fields: string[];
}

export function problem(
  status: number,
  detail: string,
  errors: FieldProblem[] = [],
  headers: Record<string, string> = {},
): Refusal {
  const [slug, title] = titles[status] ?? ['error', 'Error'];
  const body: Problem = { type: `${TYPE_BASE}${slug}`, title, status, detail, errors };
  return {
    response: {
      statusCode: status,
      headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, ...headers },
      body: JSON.stringify(body),
    },
    fields: errors.map((error) => error.field),
  };
}
