// Bundled in place of @aws-sdk/credential-provider-node in the Lambda bundles only. Lambda always
// hands a function its role's credentials in environment variables, so the SDK's full default
// chain (SSO, INI files, process, IMDS, web identity and the STS/SSO clients they pull in) is dead
// weight there: about 130 KB of the webhook bundle. Measured with `npm run bench`.
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (_init?: unknown) => fromEnv();
