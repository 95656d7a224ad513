// The console's files as npm start serves them (CloudFront's part): hashed assets cached for a
// year, index.html never cached, the app's routes answered with index.html, a missing file a 404,
// nothing outside the build folder, the configuration made on request, and the security headers
// (strict CSP, nosniff, no referrer, no framing) on every answer.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleCsp, consoleFiles, type ConsoleConfigDocument } from '../../../../bin/local/console-files';

const config: ConsoleConfigDocument = {
  stage: 'local',
  apiBase: '/api/v1',
  cognito: { endpoint: '/local-cognito/', region: 'us-east-1', userPoolId: 'local', clientId: 'local-console' },
  mfa: 'off',
};

/** a build folder, with a file beside it that must never be served */
function built(): string {
  const parent = mkdtempSync(join(tmpdir(), 'console-files-'));
  writeFileSync(join(parent, 'outside.json'), '{"secret":"never served"}');
  const dir = join(parent, 'console');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'sw.js'), 'self.x=1');
  writeFileSync(join(dir, 'assets', 'main-ABC123.js'), 'console.log(1)');
  return dir;
}

describe('consoleFiles', () => {
  const dir = built();
  const serve = consoleFiles({ dir, config: () => config });

  it('serves hashed assets with a year of caching, index.html and the service worker never cached', () => {
    const asset = serve('/assets/main-ABC123.js');
    expect(asset?.statusCode).toBe(200);
    expect(asset?.headers?.['content-type']).toMatch(/^text\/javascript/);
    expect(asset?.headers?.['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(serve('/index.html')?.headers?.['cache-control']).toBe('no-cache');
    expect(serve('/sw.js')?.headers?.['cache-control']).toBe('no-cache');
  });

  it("answers the app's routes (no file extension) with index.html, and a missing file with nothing (404)", () => {
    for (const path of ['/', '/positions', '/accounts/acc-1'])
      expect(String(serve(path)?.body)).toContain('<title>console</title>');
    expect(serve('/assets/missing-XYZ.js')).toBeUndefined();
    expect(serve('/favicon.ico')).toBeUndefined();
    // the API's paths answer JSON or nothing, never the page
    expect(serve('/api/v1/accounts')).toBeUndefined();
    expect(serve('/local-cognito/')).toBeUndefined();
  });

  it('never serves a file outside the build folder', () => {
    for (const path of ['/../outside.json', '/assets/../../outside.json', '/%2e%2e/outside.json', '/..%2foutside.json'])
      expect(String(serve(path)?.body ?? '')).not.toContain('never served');
    expect(serve('/%E0%A4%A')).toBeUndefined(); // malformed escape
    expect(serve('/a%00.js')).toBeUndefined();
  });

  it('serves the configuration, never cached', () => {
    const answer = serve('/console-config.json');
    expect(JSON.parse(String(answer?.body))).toEqual(config);
    expect(answer?.headers?.['cache-control']).toBe('no-store');
  });

  it('puts the security headers on every answer', () => {
    for (const path of ['/', '/assets/main-ABC123.js', '/console-config.json']) {
      const headers = serve(path)?.headers ?? {};
      expect(headers['content-security-policy']).toBe(consoleCsp('/local-cognito/'));
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('says how to build the console when it is not built', () => {
    const empty = consoleFiles({ dir: mkdtempSync(join(tmpdir(), 'console-none-')), config: () => config });
    const answer = empty('/');
    expect(answer?.statusCode).toBe(503);
    expect(String(answer?.body)).toContain('npm run build:console');
  });
});

describe('consoleCsp', () => {
  const directives = (csp: string) =>
    new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));

  it('allows scripts from the console only (no inline, no eval) and forbids framing', () => {
    const csp = directives(consoleCsp());
    expect(csp.get('default-src')).toBe("'self'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(consoleCsp()).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it("lets the console reach Cognito's origin when it is another one, and only that", () => {
    expect(directives(consoleCsp('https://cognito-idp.eu-west-1.amazonaws.com/')).get('connect-src')).toBe(
      "'self' https://cognito-idp.eu-west-1.amazonaws.com",
    );
    expect(directives(consoleCsp('/local-cognito/')).get('connect-src')).toBe("'self'");
  });
});
