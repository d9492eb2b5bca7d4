import type * as http from 'node:http';
import type { ShiftableClock } from '../../shared/adapters/clock';
import type { Activity } from './activity';
import type { LocalAuth } from './auth';
import type { HttpCors } from './cdk-model';
import type { GatewayRoute } from './gateway-routing';
import type { LambdaRuntime } from './lambda-runtime';
import type { VirtualTimers } from './timers';

/** What the local gateway (infra/local/gateway.ts) is built on. */

export type ComponentState = 'starting' | 'ok' | 'error';

export interface GatewayOptions {
  readonly routes: readonly GatewayRoute[];
  readonly runtime: () => LambdaRuntime | undefined;
  readonly auth: LocalAuth;
  readonly clock: ShiftableClock;
  readonly timers: VirtualTimers;
  readonly activity: Activity;
  readonly cors: () => HttpCors | undefined;
  readonly account: string;
  readonly components: () => Record<string, ComponentState>;
  readonly ready: () => boolean;
  /** userId of a login address, from the table. */
  readonly findUser: (loginAddress: string) => Promise<string | undefined>;
  /**
   * Sign-in of a structure's technical account with its login and password (docs/rules/structures.md#technical-account):
   * its user id, or the refusal (code, French message).
   */
  readonly signInTechnical?: (
    login: string,
    password: string,
  ) => Promise<{ readonly userId: string } | { readonly code: string; readonly message: string }>;
  readonly maxBodyBytes?: number;
  /**
   * The token endpoint of the technical accounts' machine clients (`POST /_local/oauth2/token`, client credentials),
   * standing in for the user pool's (infra/local/client-token.ts).
   */
  readonly clientToken?: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;
  /** Serves the portal (the built web app) for paths outside the API; false when the request is not its own. */
  readonly portal?: (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<boolean>;
  /** The platform's own pages under `/_local/` (the local inbox); false when the request is not theirs. */
  readonly pages?: (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<boolean>;
}
