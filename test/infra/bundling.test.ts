// The esbuild settings shared by NodejsFunction and the build/bench script.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { splitSizes } from '../../bin/build-split-function';
import {
  bundlingFor,
  BUNDLE_ALIASES,
  CCXT_NEVER_LOADED,
  CREDENTIALS_ALIAS,
  ESBUILD_SETTINGS,
  FUNCTION_BUNDLING,
  SDK_NEVER_LOADED,
  SPLIT_FUNCTIONS,
  splitBuildOptions,
} from '../../infra/constructs/bundling';

const exec = promisify(execFile);

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

test('the Starknet stub stands for what ccxt imports from @scure/starknet, which none of the five classes uses', async () => {
  expect(ESBUILD_SETTINGS.alias).toMatchObject({ '@scure/starknet': './infra/constructs/stubs/scure-starknet.ts' });
  // every name ccxt imports from the package, so the alias bundles (esbuild refuses a missing export)
  const ccxt = 'node_modules/ccxt/js/src';
  const imported = [`${ccxt}/base/Exchange.js`, `${ccxt}/base/functions/starknet.js`].flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/import \{([^}]*)\} from '@scure\/starknet'/g)].flatMap((m) =>
      m[1]!.split(',').map((name) => name.trim().split(/\s+as\s+/)[0]),
    ),
  );
  const stub = await import('../../infra/constructs/stubs/scure-starknet');
  expect(Object.keys(stub).sort()).toEqual([...new Set(imported)].sort());
  expect(() => stub.sign()).toThrow('@scure/starknet (sign) is not bundled into Lambda functions');
  // the Starknet helpers live on ccxt's base class; an upgrade that makes one of the five call them shows here
  for (const exchange of ['binance', 'binanceusdm', 'okx', 'bybit', 'bitget', 'upbit'])
    expect({
      exchange,
      calls: /starknet[A-Z(]|extendedStarknet|getStarkKey|ethSigToPrivate/.test(
        readFileSync(`${ccxt}/${exchange}.js`, 'utf8'),
      ),
    }).toEqual({ exchange, calls: false });
});

test('bundled with the stubs, the five classes construct and sign a private request (nothing reaches the Starknet stub)', async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'ccxt-stubs-'));
  try {
    const contents = [
      "import * as ccxt from 'ccxt';",
      "const creds = { apiKey: 'k', secret: 's', password: 'p' };",
      "const ids = ['binanceusdm', 'okx', 'bybit', 'bitget', 'upbit'];",
      'const out = { built: ids.map((id) => new ccxt[id](creds).describe().id) };',
      'const binance = new ccxt.binanceusdm(creds);',
      "out.binance = binance.sign('account', 'fapiPrivateV2', 'GET', {}).url.includes('signature=');",
      "out.okx = typeof new ccxt.okx(creds).sign('account/balance', 'private', 'GET', {}).headers['OK-ACCESS-SIGN'];",
      'process.stdout.write(JSON.stringify(out));',
    ].join('\n');
    await build({
      ...ESBUILD_SETTINGS,
      mainFields: [...ESBUILD_SETTINGS.mainFields],
      external: [...ESBUILD_SETTINGS.external],
      alias: { ...ESBUILD_SETTINGS.alias },
      outExtension: undefined,
      stdin: { contents, resolveDir: process.cwd(), loader: 'ts', sourcefile: 'ccxt-stubs.ts' },
      outfile: join(outDir, 'index.mjs'),
      logLevel: 'silent',
    });
    const { stdout } = await exec(process.execPath, [join(outDir, 'index.mjs')]);
    expect(JSON.parse(stdout)).toEqual({
      built: ['binanceusdm', 'okx', 'bybit', 'bitget', 'upbit'],
      binance: true,
      okx: 'string',
    });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}, 120_000);

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
  const { FUNCTION_FILES } = await import('../../infra/constructs/bundling');
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
  for (const entry of ['functions/webhook/handler.ts', 'functions/notifier/handler.ts'])
    expect(bundlingFor(entry)).toBe(FUNCTION_BUNDLING);
});

test("the executor's asset is rebuilt with code splitting after NodejsFunction's one-file build, from the same settings", () => {
  expect(SPLIT_FUNCTIONS).toEqual(['functions/executor/handler.ts']);
  const executor = bundlingFor('functions/executor/handler.ts');
  expect(executor).toMatchObject({ ...FUNCTION_BUNDLING, commandHooks: expect.any(Object) });
  expect(executor.commandHooks?.afterBundling('/in', '/out')).toEqual([
    'cd "/in" && node --import tsx bin/build-split-function.ts "functions/executor/handler.ts" "/out"',
  ]);
  expect(splitBuildOptions('functions/executor/handler.ts', '/out')).toMatchObject({
    ...ESBUILD_SETTINGS,
    entryPoints: { index: 'functions/executor/handler.ts' },
    outdir: '/out',
    splitting: true,
  });
});

describe('the executor built as its CDK asset is (SPLIT_FUNCTIONS)', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'executor-split-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));
  let built: ReturnType<typeof buildWithTheHook> | undefined;
  /** the asset's files as the CDK hook writes them (its own command, run as NodejsFunction runs it) */
  async function buildWithTheHook() {
    const command = bundlingFor('functions/executor/handler.ts').commandHooks!.afterBundling(process.cwd(), outDir);
    for (const c of command) await exec('bash', ['-c', c], { cwd: process.cwd() });
    const files = readdirSync(outDir).filter((f) => f.endsWith('.mjs'));
    const ensembleChunk = files.find((f) => /^ensemble-[A-Z0-9]+\.mjs$/.test(f));
    return { files, ensembleChunk };
  }

  test("index.mjs imports the ensemble's chunk with an import() only, and that chunk lies beside it", async () => {
    const { files, ensembleChunk } = await (built ??= buildWithTheHook());
    expect(files).toContain('index.mjs');
    expect(ensembleChunk).toBeDefined();
    const index = readFileSync(join(outDir, 'index.mjs'), 'utf8');
    // a cold start reads the static imports: the ensemble's chunk is not among them
    const staticImports = [...index.matchAll(/(?:^|[;}\n])import(?:[^"'()]*?from)?\s*["'](\.\/[^"']+)["']/g)].map(
      (m) => m[1],
    );
    expect(staticImports).not.toContain(`./${ensembleChunk}`);
    expect(index).toContain(`import("./${ensembleChunk}")`);
    for (const file of staticImports) expect(files).toContain(file!.slice(2));
  }, 180_000);

  test('after index.mjs has loaded (no models listed), the ensemble chunk loads from the built folder and hands out the gate builder', async () => {
    const { ensembleChunk } = await (built ??= buildWithTheHook());
    const script = [
      `await import(${JSON.stringify(pathToFileURL(join(outDir, 'index.mjs')).href)});`,
      `const chunk = await import(${JSON.stringify(pathToFileURL(join(outDir, ensembleChunk!)).href)});`,
      "process.stdout.write(String(Object.values(chunk).filter((v) => typeof v === 'function').length));",
    ].join('\n');
    const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH,
        STAGE: 'bundle-test',
        SIGNAL_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/x.fifo',
        KEY_VAULT: 'local',
        LOCAL_KEY_FILE: join(outDir, 'test.key'),
        AWS_REGION: 'us-east-1',
      },
    });
    // buildEntryGate and lazyAdvisors at least: what entry-gate.ts takes from it
    expect(Number(stdout)).toBeGreaterThanOrEqual(2);
  }, 180_000);
});

test("with splitting each module is in one file only: the gate's lazy code throws the ConfigError class the executor classifies", async () => {
  const { build: esbuild } = await import('esbuild');
  const { metafile } = await esbuild({
    ...splitBuildOptions('functions/executor/handler.ts', join(tmpdir(), 'executor-split-meta')),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const holders = (input: string) =>
    Object.entries(metafile.outputs)
      .filter(([, o]) => Object.keys(o.inputs).some((i) => i.endsWith(input)))
      .map(([file]) => file);
  expect(holders('shared/core/errors.ts')).toHaveLength(1);
  const { startBytes, lazyBytes } = splitSizes(metafile);
  // what the split is for: the Bedrock client waits for the gate's import()
  const bedrock = holders('client-bedrock-runtime/dist-es/BedrockRuntimeClient.js');
  expect(bedrock).toHaveLength(1);
  expect(splitSizes(metafile).files).toContain(bedrock[0]);
  expect({ startBytes: startBytes > 0, lazyBytes: lazyBytes > 0 }).toEqual({ startBytes: true, lazyBytes: true });
}, 180_000);
