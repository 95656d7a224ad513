// The slowest test files of a jest run, from its --json output, to find what slows the suite on a
// busy machine (each file's start to end, so it includes module loading and its beforeAll work).
//   npx jest --selectProjects unit --json --outputFile=/tmp/unit.json
//   node --import tsx bench/test-durations.ts /tmp/unit.json [count]
// Prints the run's totals, then one line per file: seconds, tests, path. With two files
// (before.json after.json) it prints the files of the first with their time in both.
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface JestJson {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  testResults: Array<{ name: string; startTime: number; endTime: number; assertionResults: unknown[] }>;
}

interface FileTime {
  file: string;
  seconds: number;
  tests: number;
}

function fileTimes(json: JestJson): FileTime[] {
  return json.testResults
    .map((r) => ({
      file: path.relative(process.cwd(), r.name),
      seconds: (r.endTime - r.startTime) / 1000,
      tests: r.assertionResults.length,
    }))
    .sort((a, b) => b.seconds - a.seconds);
}

const read = (file: string): JestJson => JSON.parse(readFileSync(file, 'utf8')) as JestJson;

function summary(label: string, json: JestJson, times: FileTime[]): string {
  const sum = times.reduce((s, t) => s + t.seconds, 0);
  return `${label}: ${times.length} files, ${json.numTotalTests} tests (${json.numPassedTests} passed, ${json.numFailedTests} failed), file times add up to ${sum.toFixed(1)} s`;
}

function main(argv: string[]): void {
  const files = argv.filter((a) => a.endsWith('.json'));
  const count = Number(argv.find((a) => /^\d+$/.test(a)) ?? 10);
  if (files.length === 0 || files.length > 2) {
    console.error('usage: node --import tsx bench/test-durations.ts <jest.json> [after.json] [count]');
    process.exitCode = 2;
    return;
  }
  const [first, second] = files.map(read);
  const before = fileTimes(first!);
  console.log(summary(files[0]!, first!, before));
  if (!second) {
    for (const t of before.slice(0, count))
      console.log(`${t.seconds.toFixed(2).padStart(7)} s ${String(t.tests).padStart(4)} tests  ${t.file}`);
    return;
  }
  const after = fileTimes(second);
  console.log(summary(files[1]!, second, after));
  const afterOf = new Map(after.map((t) => [t.file, t.seconds]));
  console.log('before     after  file');
  for (const t of before.slice(0, count)) {
    const then = afterOf.get(t.file);
    console.log(
      `${t.seconds.toFixed(2).padStart(6)} s ${then === undefined ? '      —' : `${then.toFixed(2).padStart(6)} s`}  ${t.file}`,
    );
  }
}

main(process.argv.slice(2));
