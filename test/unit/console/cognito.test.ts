// The console's hand-written Cognito client (console/src/auth/cognito.ts) sends what AWS's own SDK
// sends for the same call: the SDK (@aws-sdk/client-cognito-identity-provider) is the evidence of
// Cognito's JSON 1.1 protocol (X-Amz-Target, content type, field names). Both are run here with no
// network: the SDK through a request handler that records the request it serialised, our client
// through a fetch that records. Then the client's handling of Cognito's answers: tokens, the
// SOFTWARE_TOKEN_MFA and MFA_SETUP challenges (AssociateSoftwareToken → VerifySoftwareToken →
// RespondToAuthChallenge with the verified session), refresh, and errors by their __type.
import { Readable } from 'node:stream';
import {
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoClient, CognitoError, otpauthUri, type Fetch } from '../../../console/src/auth/cognito';

const ENDPOINT = 'https://cognito-idp.eu-west-1.amazonaws.com/';
const CLIENT_ID = 'client123';

interface Sent {
  url: string;
  target: string;
  contentType: string;
  body: Record<string, unknown>;
}

/** What the SDK sends for `command`: its serialised request, recorded instead of sent. */
async function sdkSends(command: unknown): Promise<Sent> {
  let sent: Sent | undefined;
  const client = new CognitoIdentityProviderClient({
    region: 'eu-west-1',
    endpoint: ENDPOINT,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
    requestHandler: {
      handle: async (request: {
        protocol: string;
        hostname: string;
        path: string;
        headers: Record<string, string>;
        body: string | Uint8Array;
      }) => {
        const header = (name: string) =>
          Object.entries(request.headers).find(([k]) => k.toLowerCase() === name)?.[1] ?? '';
        sent = {
          url: `${request.protocol}//${request.hostname}${request.path}`,
          target: header('x-amz-target'),
          contentType: header('content-type'),
          body: JSON.parse(
            typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body),
          ) as Record<string, unknown>,
        };
        return {
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: Readable.from([Buffer.from('{}')]),
          },
        };
      },
    } as never,
  });
  await client.send(command as never).catch(() => undefined);
  if (!sent) throw new Error('the SDK sent nothing');
  return sent;
}

/** A fetch that records each request and answers with the next of `answers`. */
function recordingFetch(answers: { status?: number; body: unknown }[]): { fetch: Fetch; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetch: Fetch = async (url, init) => {
    const headers = init.headers as Record<string, string>;
    sent.push({
      url,
      target: headers['X-Amz-Target'] ?? '',
      contentType: headers['Content-Type'] ?? '',
      body: JSON.parse(String(init.body)) as Record<string, unknown>,
    });
    const answer = answers.shift();
    if (!answer) throw new Error('no answer left');
    return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200 });
  };
  return { fetch, sent };
}

const TOKENS = {
  AuthenticationResult: {
    AccessToken: 'eyJ.access.sig',
    ExpiresIn: 3600,
    IdToken: 'eyJ.id.sig',
    RefreshToken: 'refresh-token',
    TokenType: 'Bearer',
  },
  ChallengeParameters: {},
};

describe('CognitoClient sends what the AWS SDK sends', () => {
  it('InitiateAuth USER_PASSWORD_AUTH', async () => {
    const ours = recordingFetch([{ body: TOKENS }]);
    await new CognitoClient({ endpoint: ENDPOINT, clientId: CLIENT_ID }, ours.fetch).signIn('me@example.com', 'pw');
    const sdk = await sdkSends(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: 'me@example.com', PASSWORD: 'pw' },
      }),
    );
    expect(ours.sent[0]).toEqual(sdk);
  });

  it('RespondToAuthChallenge SOFTWARE_TOKEN_MFA', async () => {
    const ours = recordingFetch([{ body: TOKENS }]);
    await new CognitoClient({ endpoint: ENDPOINT, clientId: CLIENT_ID }, ours.fetch).answerMfa(
      'me@example.com',
      'sess-1',
      '123456',
    );
    const sdk = await sdkSends(
      new RespondToAuthChallengeCommand({
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        ClientId: CLIENT_ID,
        Session: 'sess-1',
        ChallengeResponses: { USERNAME: 'me@example.com', SOFTWARE_TOKEN_MFA_CODE: '123456' },
      }),
    );
    expect(ours.sent[0]).toEqual(sdk);
  });

  it('MFA_SETUP: AssociateSoftwareToken, VerifySoftwareToken, then RespondToAuthChallenge with the verified session', async () => {
    const ours = recordingFetch([
      { body: { SecretCode: 'JBSWY3DPEHPK3PXP', Session: 'sess-2' } },
      { body: { Status: 'SUCCESS', Session: 'sess-3' } },
      { body: TOKENS },
    ]);
    const client = new CognitoClient({ endpoint: ENDPOINT, clientId: CLIENT_ID }, ours.fetch);
    const setup = await client.beginTotpSetup('sess-1');
    expect(setup).toEqual({ secretCode: 'JBSWY3DPEHPK3PXP', session: 'sess-2' });
    const done = await client.finishTotpSetup('me@example.com', setup.session, '654321');
    expect(done.kind).toBe('tokens');
    expect(ours.sent).toEqual([
      await sdkSends(new AssociateSoftwareTokenCommand({ Session: 'sess-1' })),
      await sdkSends(new VerifySoftwareTokenCommand({ Session: 'sess-2', UserCode: '654321' })),
      await sdkSends(
        new RespondToAuthChallengeCommand({
          ChallengeName: 'MFA_SETUP',
          ClientId: CLIENT_ID,
          Session: 'sess-3',
          ChallengeResponses: { USERNAME: 'me@example.com' },
        }),
      ),
    ]);
  });

  it('InitiateAuth REFRESH_TOKEN_AUTH', async () => {
    const ours = recordingFetch([
      { body: { AuthenticationResult: { AccessToken: 'a2', ExpiresIn: 3600, TokenType: 'Bearer' } } },
    ]);
    const tokens = await new CognitoClient({ endpoint: ENDPOINT, clientId: CLIENT_ID }, ours.fetch).refresh(
      'refresh-token',
    );
    expect(tokens).toEqual({ accessToken: 'a2', expiresIn: 3600 });
    const sdk = await sdkSends(
      new InitiateAuthCommand({
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { REFRESH_TOKEN: 'refresh-token' },
      }),
    );
    expect(ours.sent[0]).toEqual(sdk);
  });
});

describe('CognitoClient reads Cognito answers', () => {
  const client = (answers: { status?: number; body: unknown }[]) =>
    new CognitoClient({ endpoint: ENDPOINT, clientId: CLIENT_ID }, recordingFetch(answers).fetch);

  it('tokens', async () => {
    await expect(client([{ body: TOKENS }]).signIn('u', 'p')).resolves.toEqual({
      kind: 'tokens',
      tokens: { accessToken: 'eyJ.access.sig', idToken: 'eyJ.id.sig', refreshToken: 'refresh-token', expiresIn: 3600 },
    });
  });

  it('the second-factor challenges with their session', async () => {
    await expect(
      client([{ body: { ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 's', ChallengeParameters: {} } }]).signIn(
        'u',
        'p',
      ),
    ).resolves.toEqual({ kind: 'mfa', session: 's' });
    await expect(
      client([
        {
          body: {
            ChallengeName: 'MFA_SETUP',
            Session: 's2',
            ChallengeParameters: { MFA_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' },
          },
        },
      ]).signIn('u', 'p'),
    ).resolves.toEqual({ kind: 'mfa-setup', session: 's2' });
    await expect(
      client([{ body: { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's3' } }]).signIn('u', 'p'),
    ).resolves.toEqual({
      kind: 'other-challenge',
      challenge: 'NEW_PASSWORD_REQUIRED',
    });
  });

  it('an error answer by its __type, with or without a namespace', async () => {
    const wrong = client([
      { status: 400, body: { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' } },
    ]);
    await expect(wrong.signIn('u', 'bad')).rejects.toMatchObject({ type: 'NotAuthorizedException', status: 400 });
    const code = client([
      { status: 400, body: { __type: 'com.amazonaws#CodeMismatchException', message: 'Invalid code' } },
    ]);
    await expect(code.answerMfa('u', 's', '000000')).rejects.toBeInstanceOf(CognitoError);
  });

  it('a failed verification does not complete the setup', async () => {
    const ours = recordingFetch([{ body: { Status: 'ERROR' } }]);
    await expect(
      new CognitoClient({ endpoint: ENDPOINT, clientId: CLIENT_ID }, ours.fetch).finishTotpSetup('u', 's', '111111'),
    ).rejects.toMatchObject({
      type: 'CodeMismatchException',
    });
    expect(ours.sent).toHaveLength(1);
  });

  it('a relative endpoint (the local stand-in) is resolved against the page', async () => {
    const ours = recordingFetch([{ body: TOKENS }]);
    await new CognitoClient(
      { endpoint: '/local-cognito/', clientId: CLIENT_ID },
      ours.fetch,
      'http://127.0.0.1:3000/#/overview',
    ).signIn('u', 'p');
    expect(ours.sent[0]?.url).toBe('http://127.0.0.1:3000/local-cognito/');
  });
});

it('otpauthUri names the issuer and account and carries the secret', () => {
  expect(otpauthUri('JBSWY3DPEHPK3PXP', 'me@example.com', 'tv-futures dev')).toBe(
    'otpauth://totp/tv-futures%20dev%3Ame%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=tv-futures%20dev',
  );
});
