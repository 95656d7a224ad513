// Stands in for the DynamoDB adapter modules in test/unit/runtime/table-access.test.ts: every class
// that declares its table access is replaced by a subclass that records its construction (name and
// table), so a test can see which repositories a runtime builder really builds.
export interface BuiltRepository {
  name: string;
  table: string;
}

export const built: BuiltRepository[] = [];

export function recording<M extends Record<string, unknown>>(actual: M): M {
  const out: Record<string, unknown> = { ...actual };
  for (const [name, value] of Object.entries(actual)) {
    if (typeof value !== 'function' || !('tableAccess' in value)) continue;
    const Repository = value as unknown as new (...args: unknown[]) => object;
    out[name] = class extends Repository {
      constructor(...args: unknown[]) {
        super(...args);
        built.push({ name, table: String(args[1]) });
      }
    };
  }
  return out as M;
}
