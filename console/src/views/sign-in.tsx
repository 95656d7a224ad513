// Sign-in: email and password in a real <form> (Enter submits), then the 6-digit code when Cognito
// asks SOFTWARE_TOKEN_MFA, or the authenticator setup when it asks MFA_SETUP (the secret and its
// otpauth:// URI shown as text, then the first code). Also the fresh sign-in a destructive action
// asks for (stale_auth), with the email filled in.
import { useState } from 'preact/hooks';
import { CognitoError, otpauthUri, type AuthStep, type CognitoClient, type Tokens } from '../auth/cognito';

type Stage =
  { kind: 'password' } | { kind: 'mfa'; session: string } | { kind: 'setup'; session: string; secretCode: string };

export function SignIn(props: {
  cognito: CognitoClient;
  stage: string;
  onSignedIn: (username: string, tokens: Tokens) => void;
  username?: string;
  reason?: string;
}) {
  const [username, setUsername] = useState(props.username ?? '');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [stage, setStage] = useState<Stage>({ kind: 'password' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const follow = async (step: AuthStep) => {
    if (step.kind === 'tokens') {
      setPassword('');
      return props.onSignedIn(username.trim(), step.tokens);
    }
    setCode('');
    if (step.kind === 'mfa') return setStage({ kind: 'mfa', session: step.session });
    if (step.kind === 'mfa-setup') {
      const setup = await props.cognito.beginTotpSetup(step.session);
      return setStage({ kind: 'setup', session: setup.session, secretCode: setup.secretCode });
    }
    throw new Error(`the sign-in service asks for ${step.challenge}, which this console does not support`);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      if (stage.kind === 'password') await follow(await props.cognito.signIn(username.trim(), password));
      else if (!/^\d{6}$/.test(code.trim())) setError('the code is 6 digits');
      else if (stage.kind === 'mfa')
        await follow(await props.cognito.answerMfa(username.trim(), stage.session, code.trim()));
      else await follow(await props.cognito.finishTotpSetup(username.trim(), stage.session, code.trim()));
    } catch (e) {
      setError(messageOf(e));
      // a used session cannot be answered again: start over from the password
      if (e instanceof CognitoError && e.type === 'NotAuthorizedException') setStage({ kind: 'password' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="signin" onSubmit={submit} method="post" action="#" data-testid="signin-form">
      <h1>Trading console</h1>
      {props.reason ? <p class="notice">{props.reason}</p> : null}
      {stage.kind === 'password' ? (
        <>
          <label>
            Email
            <input
              name="email"
              type="email"
              autocomplete="username"
              required
              value={username}
              onInput={(e) => setUsername(e.currentTarget.value)}
            />
          </label>
          <label>
            Password
            <input
              name="password"
              type="password"
              autocomplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
        </>
      ) : null}
      {stage.kind === 'setup' ? (
        <div class="totp-setup">
          <p>Add this account to your authenticator app (TOTP, 6 digits, 30 s), then type its first code.</p>
          <p>
            Secret: <code data-testid="totp-secret">{stage.secretCode}</code>
          </p>
          <p>
            URI: <code class="wrap">{otpauthUri(stage.secretCode, username.trim(), `tv-futures ${props.stage}`)}</code>
          </p>
        </div>
      ) : null}
      {stage.kind !== 'password' ? (
        <label>
          Code from your authenticator
          <input
            name="code"
            inputMode="numeric"
            autocomplete="one-time-code"
            pattern="\d{6}"
            maxLength={6}
            required
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
        </label>
      ) : null}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : stage.kind === 'password' ? 'Sign in' : 'Verify'}
      </button>
    </form>
  );
}

function messageOf(e: unknown): string {
  if (e instanceof CognitoError) {
    if (e.type === 'NotAuthorizedException') return 'Wrong email or password (or the session expired): try again.';
    if (e.type === 'CodeMismatchException' || e.type === 'EnableSoftwareTokenMFAException')
      return 'That code was not accepted.';
    if (e.type === 'UserNotFoundException') return 'Wrong email or password.';
    return `${e.type}: ${e.message}`;
  }
  if (e instanceof TypeError) return 'The sign-in service could not be reached.';
  return e instanceof Error ? e.message : String(e);
}
