// Who may open the owner's console: a Cognito user pool (no self sign-up, e-mail sign-in, TOTP
// required) with the groups the console API reads from the token (owner acts, viewer reads), and the
// console's app client. The pool and client ids go to SSM, where the CLI (`user add`) finds them.
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import {
  APP_PREFIX,
  consoleClientParameterName,
  consoleUserPoolParameterName,
} from '../../shared/platform/resource-names';

/** The groups the console API maps to roles (api-contract: owner may act, viewer reads, neither is refused). */
export const CONSOLE_GROUPS = ['owner', 'trader', 'viewer', 'admin'] as const;
/**
 * The first tenant's group (docs/TENANCY.md): every user of a deployment made before tenancy joins
 * it on upgrade. Other tenants' groups are created by `user add` (CreateGroup), not by the stack.
 */
export const FIRST_TENANT_GROUP = 'tenant-acc';
const GROUP_DESCRIPTIONS: Record<string, string> = {
  owner: "everything of the user's tenant: trading, settings, exchange keys, members",
  trader: "trade and configure the user's tenant; no members, no keys",
  viewer: "read the user's tenant only",
  admin: 'the deployment: users, plans and usage of every tenant; no trading',
  [FIRST_TENANT_GROUP]: 'members of the first tenant (the accounts made before tenancy)',
};

/** Short-lived access: a stolen token is worth 15 minutes, a stolen refresh token half a day. */
export const CONSOLE_TOKEN_VALIDITY = {
  access: Duration.minutes(15),
  id: Duration.minutes(15),
  refresh: Duration.hours(12),
} as const;

export interface ConsoleAuthProps {
  stage: string;
  /** prod keeps its users: CloudFormation cannot delete the pool while this is on */
  deletionProtection: boolean;
  removalPolicy: RemovalPolicy;
}

export class ConsoleAuth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly userPoolParameter: StringParameter;
  readonly clientParameter: StringParameter;

  constructor(scope: Construct, id: string, props: ConsoleAuthProps) {
    super(scope, id);
    const { stage } = props;

    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: `${APP_PREFIX}-${stage}-console`,
      // Users are made by the operator (`user add`, AdminCreateUser), never by whoever finds the page.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // Every sign-in needs the second factor, from an authenticator app only: SMS can be
      // redirected by a SIM swap and costs per message.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // A forgotten password is reset by mail; the TOTP factor is still asked after it.
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Threat protection (compromised-credential and risk checks, enforced) needs the Plus plan:
      // billed per monthly active user, cents for the one owner and a few viewers this pool holds.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });

    for (const groupName of [...CONSOLE_GROUPS, FIRST_TENANT_GROUP]) {
      const id = groupName.replace(/(^|-)(\w)/g, (_, _dash: string, c: string) => c.toUpperCase());
      new UserPoolGroup(this, `${id}Group`, {
        userPool: this.userPool,
        groupName,
        description: GROUP_DESCRIPTIONS[groupName],
      });
    }

    // USER_PASSWORD_AUTH rather than SRP: the password travels once over TLS to Cognito (never to
    // our API), and the browser needs no SRP big-integer code, which would weigh on the console's
    // bundle budget. REFRESH_TOKEN_AUTH is always allowed by CDK. No secret: a browser cannot keep one.
    this.client = this.userPool.addClient('ConsoleClient', {
      userPoolClientName: `${APP_PREFIX}-${stage}-console`,
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: false, adminUserPassword: false, custom: false },
      // No hosted UI and no OAuth redirects: the console signs in with InitiateAuth itself.
      disableOAuth: true,
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: CONSOLE_TOKEN_VALIDITY.access,
      idTokenValidity: CONSOLE_TOKEN_VALIDITY.id,
      refreshTokenValidity: CONSOLE_TOKEN_VALIDITY.refresh,
      enableTokenRevocation: true,
      // A wrong e-mail and a wrong password get the same answer: no probing for who has an account.
      preventUserExistenceErrors: true,
      // Users cannot change their own attributes (their e-mail is their sign-in): the operator does.
      writeAttributes: new ClientAttributes(),
    });

    this.userPoolParameter = new StringParameter(this, 'UserPoolIdParameter', {
      parameterName: consoleUserPoolParameterName(stage),
      description: `${APP_PREFIX} ${stage}: the console's Cognito user pool id (for the CLI's user add)`,
      stringValue: this.userPool.userPoolId,
    });
    this.clientParameter = new StringParameter(this, 'ClientIdParameter', {
      parameterName: consoleClientParameterName(stage),
      description: `${APP_PREFIX} ${stage}: the console's Cognito app client id`,
      stringValue: this.client.userPoolClientId,
    });
  }
}
