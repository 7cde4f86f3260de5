// Request URL → (API, stage, resource, method), with API Gateway's precedence (pure).
import type { MethodAuthorization } from './authorizer.js';

export interface Route {
  resourceId: string;
  /** The resource path template, e.g. /orders/{orderId} or /{proxy+}. */
  resourcePath: string;
  /** An HTTP verb or ANY. */
  httpMethod: string;
  functionName: string;
  /** The method's COGNITO_USER_POOLS authorizer; absent for authorization NONE. */
  authorization?: MethodAuthorization;
}

export interface ApiTarget {
  apiId: string;
  stage: string;
  /** The path after the stage, starting with "/" (still percent-encoded). */
  path: string;
}

/**
 * The URL forms LocalStack serves, so the same scripts run on both:
 *   /_aws/execute-api/{apiId}/{stage}/{path}
 *   /restapis/{apiId}/{stage}/_user_request_/{path}
 *   Host {apiId}.execute-api.<anything>  with path /{stage}/{path}
 */
export function parseApiUrl(pathname: string, host = ''): ApiTarget | undefined {
  const split = (rest: string): { stage: string; path: string } | undefined => {
    const slash = rest.indexOf('/');
    const stage = slash === -1 ? rest : rest.slice(0, slash);
    if (stage === '') return undefined;
    return { stage, path: slash === -1 ? '/' : rest.slice(slash) || '/' };
  };
  let match = /^\/_aws\/execute-api\/([^/]+)\/(.+)$/.exec(pathname);
  if (match?.[1] !== undefined && match[2] !== undefined) {
    const rest = split(match[2]);
    return rest && { apiId: match[1], ...rest };
  }
  match = /^\/restapis\/([^/]+)\/([^/]+)\/_user_request_(\/.*)?$/.exec(pathname);
  if (match?.[1] !== undefined && match[2] !== undefined) {
    return { apiId: match[1], stage: match[2], path: match[3] ?? '/' };
  }
  const hostMatch = /^([a-z0-9]+)\.execute-api\./i.exec(host);
  if (hostMatch?.[1] !== undefined) {
    const rest = split(pathname.replace(/^\//, ''));
    return rest && { apiId: hostMatch[1], ...rest };
  }
  return undefined;
}

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

function parseTemplate(resourcePath: string): Segment[] {
  return resourcePath
    .split('/')
    .filter((part) => part !== '')
    .map((part): Segment => {
      const greedy = /^\{(.+)\+\}$/.exec(part);
      if (greedy?.[1] !== undefined) return { kind: 'greedy', name: greedy[1] };
      const param = /^\{(.+)\}$/.exec(part);
      if (param?.[1] !== undefined) return { kind: 'param', name: param[1] };
      return { kind: 'literal', value: part };
    });
}

/** Specificity per segment: literal 2, {param} 1, {greedy+} 0; higher wins, compared left to right. */
function matchTemplate(
  template: Segment[],
  segments: string[],
): { params: Record<string, string>; score: number[] } | undefined {
  const params: Record<string, string> = {};
  const score: number[] = [];
  for (let i = 0; i < template.length; i += 1) {
    const part = template[i];
    const segment = segments[i];
    if (part === undefined) return undefined;
    if (part.kind === 'greedy') {
      if (i !== template.length - 1 || segment === undefined) return undefined;
      params[part.name] = segments.slice(i).join('/');
      score.push(0);
      return { params, score };
    }
    if (segment === undefined) return undefined;
    if (part.kind === 'literal') {
      if (part.value !== segment) return undefined;
      score.push(2);
    } else {
      params[part.name] = segment;
      score.push(1);
    }
  }
  return template.length === segments.length ? { params, score } : undefined;
}

const compareScores = (a: number[], b: number[]): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const difference = (a[i] ?? -1) - (b[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
};

export class BadPathError extends Error {
  override name = 'BadPathError';
}

/**
 * The most specific resource whose template matches the path and that has the method (or ANY);
 * an exact method beats ANY on the same resource. Path parameters are percent-decoded.
 */
export function matchRoute(
  routes: readonly Route[],
  httpMethod: string,
  path: string,
): { route: Route; pathParameters: Record<string, string> } | undefined {
  let segments: string[];
  try {
    segments = path
      .split('/')
      .filter((part) => part !== '')
      .map((part) => decodeURIComponent(part));
  } catch {
    throw new BadPathError(`malformed percent-encoding in ${path}`);
  }
  let best: { route: Route; pathParameters: Record<string, string>; score: number[] } | undefined;
  for (const route of routes) {
    if (route.httpMethod !== httpMethod && route.httpMethod !== 'ANY') continue;
    const matched = matchTemplate(parseTemplate(route.resourcePath), segments);
    if (matched === undefined) continue;
    const score = [...matched.score, route.httpMethod === 'ANY' ? 0 : 1];
    if (best === undefined || compareScores(score, best.score) > 0)
      best = { route, pathParameters: matched.params, score };
  }
  return best && { route: best.route, pathParameters: best.pathParameters };
}
