// The one set of esbuild settings for every function, shared by the CDK NodejsFunction and any
// build/measure script (bin/build-functions.ts), so a measured bundle is the deployed bundle.
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/** Lambda runtime and the esbuild target that matches it: change both together. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_22_X;
export const ESBUILD_TARGET = 'node22';

/**
 * Bundled CommonJS dependencies (ccxt, parts of the AWS SDK) call `require('crypto')` etc.; an ESM
 * bundle has no `require`, so esbuild's shim needs one defined up front.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * Lambda supplies credentials through the environment; the SDK's default provider chain is
 * replaced by an env-only provider (see lambda-credentials.ts). Relative to the project root,
 * where NodejsFunction runs esbuild.
 */
export const CREDENTIALS_ALIAS = {
  '@aws-sdk/credential-provider-node': './infra/constructs/lambda-credentials.ts',
} as const;

/**
 * ccxt's index imports every exchange (≈6 MB); the executor needs five. 'ccxt' resolves to a file
 * that imports those classes alone, and the libraries ccxt loads for features the product never
 * uses (websockets, dYdX/MEXC protobuf, Starknet signing) become stubs. Measured: 1.68 MB → 1.1 MB
 * for ccxt's part; the Starknet stub, ≈ 30–40 ms of cold start (its tables are built on load).
 */
export const CCXT_ALIAS = {
  ccxt: './shared/adapters/exchange/ccxt-slim.ts',
  ws: './infra/constructs/stubs/ws.js',
  protobufjs: './infra/constructs/stubs/protobufjs',
  '@scure/starknet': './infra/constructs/stubs/scure-starknet.ts',
} as const;

/**
 * What ccxt imports with a dynamic import() that never runs on Node for the five exchanges, left out
 * of the bundle: esbuild inlines a dynamic import, so each sat in every function unevaluated.
 * MEXC's protobuf messages (loaded only when the exchange id is mexc), fflate (its websocket
 * decompression off Node; on Node it is node:zlib), dYdX's transaction encoding (dYdX orders only).
 * Measured on the executor (esbuild metafile): 95 + 32.6 + 31.8 KB, 1,694 → 1,534 KB.
 */
export const CCXT_NEVER_LOADED = [
  '*/protobuf/mexc/compiled.cjs',
  'fflate',
  '*/dydx-v4-client/registry.js',
  '*/dydx-v4-client/cosmos/tx/v1beta1/tx.js',
  '*/dydx-v4-client/cosmos/tx/signing/v1beta1/signing.js',
];

/**
 * The SDK's SSO token refresh, which the token providers (the Bedrock client's bearer-token
 * chain) import with import() only to renew an SSO session's cached token: a Lambda function has
 * no SSO session (its credentials come from the environment, CREDENTIALS_ALIAS). 17 KB.
 */
export const SDK_NEVER_LOADED = ['@aws-sdk/nested-clients/sso-oidc'];

/** Every alias the bundles use. */
export const BUNDLE_ALIASES = { ...CREDENTIALS_ALIAS, ...CCXT_ALIAS } as const;

/**
 * ccxt imports undici dynamically for tuned HTTP pooling and falls back to Node's global fetch
 * (the same engine) when it is absent: left out, it saves ≈500 KB.
 */
export const EXTERNAL_MODULES = ['undici', ...CCXT_NEVER_LOADED, ...SDK_NEVER_LOADED];

/** Plain esbuild settings (no CDK types), for scripts that call esbuild directly. */
export const ESBUILD_SETTINGS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: ESBUILD_TARGET,
  minify: true,
  sourcemap: true,
  /** maps point at file:line; the sources themselves would only grow the artifact */
  sourcesContent: false,
  mainFields: ['module', 'main'],
  /** bundle everything, the AWS SDK included: cold start is measured with it inside */
  external: EXTERNAL_MODULES,
  banner: { js: ESM_REQUIRE_BANNER },
  alias: BUNDLE_ALIASES,
  /** NodejsFunction names an ESM bundle index.mjs */
  outExtension: { '.js': '.mjs' },
} as const;

/** The same settings in the shape NodejsFunction takes. */
export const FUNCTION_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: ESBUILD_SETTINGS.target,
  minify: ESBUILD_SETTINGS.minify,
  sourceMap: ESBUILD_SETTINGS.sourcemap,
  sourcesContent: ESBUILD_SETTINGS.sourcesContent,
  mainFields: [...ESBUILD_SETTINGS.mainFields],
  externalModules: [...ESBUILD_SETTINGS.external],
  banner: ESM_REQUIRE_BANNER,
  esbuildArgs: Object.fromEntries(Object.entries(BUNDLE_ALIASES).map(([from, to]) => [`--alias:${from}`, to])),
};

/**
 * Files a function reads at run time, copied beside its bundle (paths relative to the project
 * root; each lands in the bundle's root under its own name). The report draws its chart's text
 * with this font: shared/adapters/chart/equity-chart.ts looks for <LAMBDA_TASK_ROOT>/DejaVuSans.ttf.
 */
export const FUNCTION_FILES: Readonly<Record<string, readonly string[]>> = {
  'functions/report/handler.ts': ['assets/fonts/DejaVuSans.ttf', 'assets/fonts/LICENSE'],
};

/**
 * Functions built with esbuild's code splitting: index.mjs holds what the handler loads at cold
 * start, and what it reaches only through an import() becomes a file beside it, read when that
 * import() runs. The executor's ensemble gate (shared/runtime/entry-gate.ts) is such an import():
 * inlined, its Bedrock client, event-stream code and the advisor were compiled at every cold start
 * (measured: 1,570.9 → 1,479.6 KB loaded at start, 106.7 KB in chunks) though only a stage that
 * lists models ever runs them. esbuild assigns whole files to chunks: a file the handler's imports
 * reach stays in a chunk the start loads even when only the lazy side uses it (zod's JSON Schema,
 * ≈ 21 KB, is reached through zod/mini's index, which the env schemas import).
 * Splitting, unlike a second bundle built on its own, keeps one copy of each module, so the lazy
 * code throws the same error classes the executor classifies with `instanceof` (a ConfigError
 * from the gate is a rejection with its reason, not a retry).
 */
export const SPLIT_FUNCTIONS: readonly string[] = ['functions/executor/handler.ts'];

/** esbuild's options for a split function: the shared settings, index.mjs and its chunks in outdir. */
export function splitBuildOptions(entry: string, outdir: string) {
  return {
    ...ESBUILD_SETTINGS,
    mainFields: [...ESBUILD_SETTINGS.mainFields],
    external: [...ESBUILD_SETTINGS.external],
    alias: { ...ESBUILD_SETTINGS.alias },
    outExtension: { ...ESBUILD_SETTINGS.outExtension },
    entryPoints: { index: entry },
    outdir,
    splitting: true,
    chunkNames: '[name]-[hash]',
  };
}

/**
 * The shell command that rebuilds a split function into the asset's folder. NodejsFunction runs
 * esbuild with one --outfile (no splitting), so this runs after it and replaces its index.mjs with
 * the split build's (same settings, same entry) and the chunks beside it; the asset's hash is of
 * its output, so it covers every file. It runs on the machine that synthesizes (esbuild is a
 * devDependency, so NodejsFunction bundles locally), with the project's tsx.
 */
export function splitBundlingCommand(entry: string, inputDir: string, outputDir: string): string {
  return `cd "${inputDir}" && node --import tsx bin/build-split-function.ts "${entry}" "${outputDir}"`;
}

/** The NodejsFunction bundling of one entry: the shared settings, plus a copy of its run-time files. */
export function bundlingFor(entry: string): BundlingOptions {
  const files = FUNCTION_FILES[entry] ?? [];
  const split = SPLIT_FUNCTIONS.includes(entry);
  if (files.length === 0 && !split) return FUNCTION_BUNDLING;
  return {
    ...FUNCTION_BUNDLING,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir: string, outputDir: string) => [
        ...(split ? [splitBundlingCommand(entry, inputDir, outputDir)] : []),
        ...files.map((file) => `cp "${inputDir}/${file}" "${outputDir}/"`),
      ],
    },
  };
}
