import { Transform } from 'node:stream';
import { CONFIG_SETTINGS } from '@ecs-metadata/client';
import { brokerSecrets } from './broker-check.js';
import { createRedactor } from './redact.js';

/** Terminal colour and cursor codes (CSI sequences), as Pact's core writes them. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/gu;

/** Options of {@link createOutputFilter}. */
export interface OutputFilterOptions {
  /** Replaced by `***` wherever they appear. */
  readonly secrets: readonly (string | undefined)[];
  /** Drop terminal colour codes (stdout is not a terminal, or `NO_COLOR` is set). */
  readonly stripAnsi: boolean;
}

/**
 * A line-buffered stream filter for the output of the verifier's worker process, which includes
 * what Pact's native core prints straight to its stdout (the worker cannot filter that itself):
 * secrets are redacted and, if asked, colour codes dropped. Whole lines are filtered, so a secret
 * split across two chunks is still found.
 */
export function createOutputFilter(options: OutputFilterOptions): Transform {
  const redact = createRedactor(options.secrets);
  const clean = (text: string): string => redact(options.stripAnsi ? text.replace(ANSI, '') : text);
  let pending = '';
  return new Transform({
    decodeStrings: true,
    transform(chunk: Buffer, _encoding, done) {
      pending += chunk.toString('utf8');
      const end = pending.lastIndexOf('\n');
      if (end < 0) {
        done();
        return;
      }
      const lines = pending.slice(0, end + 1);
      pending = pending.slice(end + 1);
      done(null, clean(lines));
    },
    flush(done) {
      done(null, pending === '' ? undefined : clean(pending));
    },
  });
}

/**
 * The secrets a command line and environment hand the verifier: `--token` and the provider's secret
 * settings in the environment, the broker's token,
 * username, password and the base64 of its `Basic` header (Pact's core prints that header at
 * debug and trace), the values of `--header`, and the matching environment variables.
 */
export function secretsOf(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): string[] {
  const given = new Map<string, string>();
  const headers: string[] = [];
  argv.forEach((arg, index) => {
    const [flag, value] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, argv[index + 1]];
    if (value === undefined) {
      return;
    }
    if (flag === '--header') {
      headers.push(value.slice(value.indexOf(':') + 1).trim());
    } else {
      given.set(flag, value);
    }
  });
  const nonEmpty = (value: string | undefined): string | undefined => (value === '' ? undefined : value);
  const fromEnv = { brokerToken: nonEmpty(env['PACT_BROKER_TOKEN']), brokerUsername: nonEmpty(env['PACT_BROKER_USERNAME']), brokerPassword: nonEmpty(env['PACT_BROKER_PASSWORD']) };
  // The flags win over the environment, as in the worker: both pairs' Basic headers are hidden.
  const effective = {
    brokerToken: given.get('--broker-token') ?? fromEnv.brokerToken,
    brokerUsername: given.get('--broker-username') ?? fromEnv.brokerUsername,
    brokerPassword: given.get('--broker-password') ?? fromEnv.brokerPassword,
  };
  // The provider's credentials in the environment, as the client reads them (ECS_METADATA_TOKEN,
  // OS_TOKEN, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN, OS_PASSWORD).
  const providerSecrets = Object.values(CONFIG_SETTINGS)
    .filter((setting) => setting.secret)
    .flatMap((setting) => setting.env.map((name) => env[name]));
  const secrets = [...providerSecrets, given.get('--token'), ...brokerSecrets(fromEnv), ...brokerSecrets(effective), ...headers];
  return secrets.filter((secret): secret is string => secret !== undefined && secret !== '');
}
