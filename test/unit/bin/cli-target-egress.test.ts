// The IP `account add --stage X` prints for the owner to allow on exchange keys: the stage's SSM
// parameter (static egress on), nothing when the stage has none, the SDK's other errors unmasked.
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { resolveTarget } from '../../../bin/cli-target';

const ssm = mockClient(SSMClient);
const saved = { ...process.env };

beforeEach(() => {
  ssm.reset();
  process.env.AWS_REGION = 'eu-west-1';
});
afterAll(() => {
  process.env = saved;
});

test('static egress on: the parameter /tvat/<stage>/egress-ip is the IP', async () => {
  ssm.on(GetParameterCommand, { Name: '/tvat/prod/egress-ip' }).resolves({ Parameter: { Value: '203.0.113.7' } });

  await expect((await resolveTarget('prod')).egressIp()).resolves.toBe('203.0.113.7');
});

test('no static egress: no parameter, no IP printed', async () => {
  ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));

  await expect((await resolveTarget('dev')).egressIp()).resolves.toBeUndefined();
});

test('any other failure (no permission) is not mistaken for "no static egress"', async () => {
  ssm.on(GetParameterCommand).rejects(
    Object.assign(new Error('User is not authorized to perform: ssm:GetParameter'), {
      name: 'AccessDeniedException',
    }),
  );

  await expect((await resolveTarget('prod')).egressIp()).rejects.toThrow('not authorized');
});
