// The esbuild settings shared by NodejsFunction and the build/bench script.
import { existsSync } from 'node:fs';
import { build } from 'esbuild';
import {
  BUNDLE_ALIASES,
  CCXT_NEVER_LOADED,
  CREDENTIALS_ALIAS,
  ESBUILD_SETTINGS,
  FUNCTION_BUNDLING,
  SDK_NEVER_LOADED,
} from '../../infra/constructs/bundling';

test('Lambda bundles replace the SDK default credential chain with the env-only provider, in CDK and in the build script alike', () => {
  expect(CREDENTIALS_ALIAS).toEqual({
    '@aws-sdk/credential-provider-node': './infra/constructs/lambda-credentials.ts',
  });
  expect(ESBUILD_SETTINGS.alias).toMatchObject(CREDENTIALS_ALIAS);
  expect(FUNCTION_BUNDLING.esbuildArgs).toMatchObject({
    '--alias:@aws-sdk/credential-provider-node': './infra/constructs/lambda-credentials.ts',
  });
});

test('ccxt resolves to the five exchange classes, in CDK and in the build script alike, and every alias target exists', () => {
  expect(ESBUILD_SETTINGS.alias).toMatchObject({ ccxt: './shared/adapters/exchange/ccxt-slim.ts' });
  expect(FUNCTION_BUNDLING.esbuildArgs).toMatchObject({
    '--alias:ccxt': './shared/adapters/exchange/ccxt-slim.ts',
    '--alias:ws': './infra/constructs/stubs/ws.js',
  });
  for (const target of Object.values(BUNDLE_ALIASES)) expect(existsSync(target)).toBe(true);
});

test("bundles are minified ESM with the AWS SDK inside; only undici (ccxt falls back to global fetch) and ccxt's and the SDK's never-loaded imports stay out", () => {
  const external = ['undici', ...CCXT_NEVER_LOADED, ...SDK_NEVER_LOADED];
  expect(FUNCTION_BUNDLING).toMatchObject({ minify: true, externalModules: external, format: 'esm' });
  expect(ESBUILD_SETTINGS).toMatchObject({ minify: true, format: 'esm', external, bundle: true });
});

/** The executor's bundle as build-functions makes it, not written: esbuild's account of its inputs. */
async function executorMetafile() {
  const { metafile } = await build({
    ...ESBUILD_SETTINGS,
    mainFields: [...ESBUILD_SETTINGS.mainFields],
    external: [...ESBUILD_SETTINGS.external],
    alias: { ...ESBUILD_SETTINGS.alias },
    outExtension: undefined,
    entryPoints: ['functions/executor/handler.ts'],
    outfile: 'executor.mjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return metafile;
}
let executorBuild: ReturnType<typeof executorMetafile> | undefined;

test("the executor bundle reaches the left-out files only through ccxt's and the SDK's own dynamic import(), so loading it never asks for them", async () => {
  const metafile = await (executorBuild ??= executorMetafile());
  const leftOut = Object.entries(metafile.inputs).flatMap(([importer, input]) =>
    input.imports
      .filter((i) => i.external && /fflate|protobuf\/mexc|dydx-v4-client|sso-oidc/.test(i.path))
      .map((i) => ({ importer: importer.replace(/^.*node_modules\//, ''), path: i.path, kind: i.kind })),
  );
  // every pattern matched something (an upgrade that renames a file shows here), and nothing statically
  expect([...new Set(leftOut.map((i) => i.path))].sort()).toEqual([
    '../protobuf/mexc/compiled.cjs',
    '../static_dependencies/dydx-v4-client/cosmos/tx/signing/v1beta1/signing.js',
    '../static_dependencies/dydx-v4-client/cosmos/tx/v1beta1/tx.js',
    '../static_dependencies/dydx-v4-client/registry.js',
    '@aws-sdk/nested-clients/sso-oidc',
    'fflate',
  ]);
  for (const i of leftOut)
    expect(i).toEqual({
      ...i,
      importer: expect.stringMatching(/^(ccxt\/js\/src\/base\/|@aws-sdk\/token-providers\/)/),
      kind: 'dynamic-import',
    });
}, 60_000);

test("the executor's start never evaluates the ensemble's models: the vote, the advisor and the Bedrock client are reached only through the gate's import()", async () => {
  const metafile = await (executorBuild ??= executorMetafile());
  // what loading the bundle evaluates: every input reached from the handler by static imports
  const started = new Set<string>();
  const next = Object.keys(metafile.inputs).filter((p) => p.endsWith('functions/executor/handler.ts'));
  for (let path = next.pop(); path !== undefined; path = next.pop()) {
    if (started.has(path)) continue;
    started.add(path);
    for (const i of metafile.inputs[path]?.imports ?? [])
      if (i.kind !== 'dynamic-import' && !i.external) next.push(i.path);
  }
  const deferred = [
    'shared/runtime/ensemble.ts',
    'shared/runtime/advisor.ts',
    'shared/core/advisor/ensemble.ts',
    'shared/adapters/model/bedrock-converse.ts',
    'node_modules/@aws-sdk/client-bedrock-runtime/',
  ];
  for (const part of deferred) {
    expect({ part, inBundle: Object.keys(metafile.inputs).some((p) => p.includes(part)) }).toEqual({
      part,
      inBundle: true,
    });
    expect({ part, atStart: [...started].some((p) => p.includes(part)) }).toEqual({ part, atStart: false });
  }
  expect([...started].some((p) => p.endsWith('shared/runtime/entry-gate.ts'))).toBe(true);
}, 60_000);

test('the env-only provider reads the credentials Lambda puts in the environment', async () => {
  const { defaultProvider } = await import('../../infra/constructs/lambda-credentials');
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret-example',
    AWS_SESSION_TOKEN: 'session-example',
  });

  const credentials = await defaultProvider()().finally(() => {
    process.env = saved;
  });

  expect(credentials).toMatchObject({
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'secret-example',
    sessionToken: 'session-example',
  });
});

test("the report's bundle ships its chart font (and its licence) beside index.mjs; other bundles ship no files", async () => {
  const { bundlingFor, FUNCTION_FILES } = await import('../../infra/constructs/bundling');
  const files = FUNCTION_FILES['functions/report/handler.ts'] ?? [];
  expect(files).toEqual(['assets/fonts/DejaVuSans.ttf', 'assets/fonts/LICENSE']);
  for (const file of files) expect(existsSync(file)).toBe(true);
  const report = bundlingFor('functions/report/handler.ts');
  expect(report).toMatchObject({ ...FUNCTION_BUNDLING, commandHooks: expect.any(Object) });
  expect(report.commandHooks?.afterBundling('/in', '/out')).toEqual([
    'cp "/in/assets/fonts/DejaVuSans.ttf" "/out/"',
    'cp "/in/assets/fonts/LICENSE" "/out/"',
  ]);
  expect(report.commandHooks?.beforeBundling('/in', '/out')).toEqual([]);
  for (const entry of [
    'functions/webhook/handler.ts',
    'functions/executor/handler.ts',
    'functions/notifier/handler.ts',
  ])
    expect(bundlingFor(entry)).toBe(FUNCTION_BUNDLING);
});
