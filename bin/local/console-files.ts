// Serves the web console (dist/console, built by bin/build-console.ts) for bin/local/http-gateway.ts,
// as CloudFront serves it from the bucket in the cloud: hashed assets cached for a year, index.html
// and the service worker never cached, any unknown path that is not a file answered with index.html
// (the app routes by itself), and the console's security headers on every answer: a strict CSP (no
// inline script, API and sign-in only on 'self' and the Cognito endpoint, no framing), nosniff and
// no referrer. /console-config.json is the stage's configuration, made on request.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { RawResponse } from './http-gateway';

export interface ConsoleConfigDocument {
  stage: string;
  apiBase: string;
  cognito: { endpoint: string; region: string; userPoolId: string; clientId: string };
  mfa: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const NO_CACHE = 'no-cache';

/**
 * The console's Content-Security-Policy: scripts, styles, images and fetches from the console's own
 * origin only, plus the Cognito endpoint for sign-in when it is another origin. No inline script,
 * no eval, no plugins, no framing (clickjacking), forms post only to the console itself.
 */
export function consoleCsp(cognitoEndpoint?: string): string {
  let cognitoOrigin = '';
  try {
    if (cognitoEndpoint && /^https?:\/\//.test(cognitoEndpoint)) cognitoOrigin = ` ${new URL(cognitoEndpoint).origin}`;
  } catch {
    cognitoOrigin = '';
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${cognitoOrigin}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(cognitoEndpoint?: string): Record<string, string> {
  return {
    'content-security-policy': consoleCsp(cognitoEndpoint),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}

/**
 * The gateway's `staticFiles` option: the file answering a GET of `path`, or undefined (404) for a
 * missing file name. `dir` is the built console; `config` the stage's console configuration.
 */
export function consoleFiles(options: {
  dir: string;
  config: () => ConsoleConfigDocument;
}): (path: string) => RawResponse | undefined {
  const root = resolve(options.dir);
  return (rawPath) => {
    const config = options.config();
    const headers = securityHeaders(config.cognito.endpoint);
    let path: string;
    try {
      path = decodeURIComponent(rawPath.split('?')[0] ?? '/');
    } catch {
      return undefined;
    }
    if (path.includes('\0')) return undefined;
    if (path === '/console-config.json')
      return {
        statusCode: 200,
        headers: { ...headers, 'content-type': TYPES['.json']!, 'cache-control': 'no-store' },
        body: JSON.stringify(config),
      };
    if (!existsSync(join(root, 'index.html')))
      return {
        statusCode: 503,
        headers: { ...headers, 'content-type': TYPES['.txt']!, 'cache-control': 'no-store' },
        body: 'The console is not built: run `npm run build:console` (npm start builds it when it is missing).\n',
      };
    // resolved inside the build folder, never above it (no "..", no absolute path)
    const file = resolve(root, `.${sep}${normalize(path)}`);
    const inside = file === root || file.startsWith(`${root}${sep}`);
    if (inside && file !== root && isFile(file)) {
      const name = file
        .slice(root.length + 1)
        .split(sep)
        .join('/');
      return {
        statusCode: 200,
        headers: {
          ...headers,
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': name.startsWith('assets/') ? IMMUTABLE : NO_CACHE,
        },
        body: readFileSync(file),
      };
    }
    // a path with a file extension that is not here is a missing file, and the API's and the
    // webhook's paths are never the app's (a JSON client must get a 404, not the page); anything
    // else is a route of the app
    if (extname(path) || /^\/(api|webhook|local-[a-z]+)(\/|$)/.test(path)) return undefined;
    return {
      statusCode: 200,
      headers: { ...headers, 'content-type': TYPES['.html']!, 'cache-control': NO_CACHE },
      body: readFileSync(join(root, 'index.html')),
    };
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
