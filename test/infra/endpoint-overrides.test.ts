// The other half of the cold-start refusal (shared/platform/config.ts): no deployed function is
// given an endpoint override in its environment, in any stage.
import { Template } from 'aws-cdk-lib/assertions';
import { isEndpointOverride } from '../../shared/platform/config';
import { builtApp } from './support';

describe.each(['dev', 'prod'] as const)('%s functions', (stage) => {
  it('carry no *_API_URL, *_ENDPOINT or AWS_ENDPOINT_URL* variable', () => {
    const b = builtApp(stage);
    const fns = [b.stateless, b.monitoring].flatMap((stack) =>
      Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')),
    );
    expect(fns.length).toBeGreaterThanOrEqual(8);
    const names = fns.flatMap((f) => Object.keys(f.Properties.Environment?.Variables ?? {}));
    expect(names).toContain('STAGE');
    expect(names.filter(isEndpointOverride)).toEqual([]);
  });
});
