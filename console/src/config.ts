// The stage's console configuration, served beside the console as /console-config.json (locally by
// bin/local/console-files.ts; in the cloud from the console's bucket): where the API and the user
// pool are. It holds no secret: the app client has none (public client, USER_PASSWORD_AUTH).

export interface ConsoleConfig {
  stage: string;
  /** e.g. /api/v1 (same origin) or https://api.example.com/api/v1 */
  apiBase: string;
  cognito: { endpoint: string; region: string; userPoolId: string; clientId: string };
  /** 'required': the second factor is asked for (cloud, or CONSOLE_MFA=required locally) */
  mfa: string;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/console-config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`console-config.json: HTTP ${response.status}`);
  const value = (await response.json()) as Partial<ConsoleConfig>;
  if (typeof value.apiBase !== 'string' || !value.cognito || typeof value.cognito.endpoint !== 'string')
    throw new Error('console-config.json: apiBase and cognito.endpoint are required');
  return value as ConsoleConfig;
}
