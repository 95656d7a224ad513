// Starts the DynamoDB and SQS stand-ins once for the integration suite, in a child process (fauxqs
// is ESM-only, and the tests should reach it over HTTP like any AWS endpoint anyway).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export default async function globalSetup(): Promise<void> {
  const root = join(__dirname, '..', '..');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bin', 'standins-server.ts')], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const endpoints = await new Promise<{ dynamoEndpoint: string; sqsEndpoint: string }>((resolve, reject) => {
    let out = '';
    // tsx compiles the server first: on a loaded machine that alone can take most of a minute.
    const timer = setTimeout(() => reject(new Error(`stand-ins did not start within 120 s: ${out}`)), 120_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.once('exit', (code) => reject(new Error(`stand-ins exited with ${code}: ${out}`)));
  });
  process.env.IT_DYNAMODB_ENDPOINT = endpoints.dynamoEndpoint;
  process.env.IT_SQS_ENDPOINT = endpoints.sqsEndpoint;
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  process.env.AWS_REGION = 'us-east-1';
  (globalThis as { __STANDINS__?: unknown }).__STANDINS__ = child;
}
