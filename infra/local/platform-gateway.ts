import * as http from 'node:http';
import { LAMBDAS, type LambdaDefinition } from '../../functions/registry';
import type { ShiftableClock } from '../../shared/adapters/clock';
import { GetCommand } from '../../shared/adapters/dynamo/document-client';
import { IdentityStore } from '../../shared/adapters/dynamo/identity-store';
import { keys } from '../../shared/adapters/dynamo/keys';
import { isDomainError } from '../../shared/domain/errors';
import { authenticateTechnical } from '../../shared/services/accounts';
import { serviceContext } from '../../shared/services/context';
import type { Activity } from './activity';
import type { LocalAuth } from './auth';
import { clientTokenEndpoint } from './client-token';
import { portBusy } from './errors';
import { answerClientError, createGatewayHandler, type GatewayOptions, type GatewayRoute } from './gateway';
import { listen } from './net';
import { LOCAL_ACCOUNT, LOCAL_TABLE_NAME } from './platform-options';
import type { PlatformParts } from './platform-parts';
import { createPortalHandler, type PortalOptions } from './portal/static';
import type { VirtualTimers } from './timers';
import type { PlatformExtension } from './types';

/** The platform's HTTP gateway: built first, on the parts it reads once they are up. */

/** The registry's http routes, then the extension's. */
export function gatewayRoutes(extension: PlatformExtension): GatewayRoute[] {
  const routes: GatewayRoute[] = [];
  for (const [key, def] of Object.entries(LAMBDAS) as [string, LambdaDefinition][]) {
    if (def.kind !== 'http') continue;
    for (const r of def.routes ?? []) routes.push({ method: r.method, path: r.path, public: !!r.public, target: key });
  }
  for (const r of extension.routes ?? []) {
    routes.push({ method: r.method, path: r.path, public: !!r.public, target: r.handler });
  }
  return routes;
}

/** `/_local/login`: the user of a login address, looked up in the table as the user pool would. */
function userFinder(parts: PlatformParts): GatewayOptions['findUser'] {
  return async (address) => {
    const document = parts.clients?.document;
    if (!document) return undefined;
    const uniq = await document.send(new GetCommand({ TableName: LOCAL_TABLE_NAME, Key: keys.uniqueLogin(address) }));
    const userId = uniq.Item?.userId;
    if (typeof userId !== 'string') return undefined;
    const user = await document.send(new GetCommand({ TableName: LOCAL_TABLE_NAME, Key: keys.user(userId) }));
    return user.Item ? userId : undefined;
  };
}

/** A technical account's sign-in with its login and password: its user id, or the refusal. */
function technicalSignIn(parts: PlatformParts, clock: ShiftableClock): GatewayOptions['signInTechnical'] {
  return async (login, password) => {
    const document = parts.clients?.document;
    if (!document) return { code: 'PLATEFORME_EN_DEMARRAGE', message: 'La plateforme démarre encore.' };
    try {
      return await authenticateTechnical(new IdentityStore(document, LOCAL_TABLE_NAME), login, password, clock.now());
    } catch (error) {
      if (isDomainError(error)) return { code: error.code, message: error.message };
      throw error;
    }
  };
}

/** The gateway server, not yet listening. */
export function platformGateway(
  parts: PlatformParts,
  options: {
    readonly auth: LocalAuth;
    readonly clock: ShiftableClock;
    readonly timers: VirtualTimers;
    readonly activity: Activity;
    readonly portal?: PortalOptions;
  },
): http.Server {
  const { auth, clock, portal } = options;
  const gateway = http.createServer(
    createGatewayHandler({
      routes: parts.routes,
      runtime: () => parts.runtime,
      auth,
      clock,
      timers: options.timers,
      activity: options.activity,
      cors: () => parts.httpCors,
      account: LOCAL_ACCOUNT,
      components: () => ({ ...parts.components }),
      ready: () => parts.ready,
      ...(portal
        ? { portal: createPortalHandler({ ...portal, connectOrigins: () => (parts.s3 ? [parts.s3.endpoint] : []) }) }
        : {}),
      pages: (req, res, url) => parts.mail?.pages(req, res, url) ?? Promise.resolve(false),
      findUser: userFinder(parts),
      clientToken: clientTokenEndpoint({ auth, clock, service: () => serviceContext().technicalClients }),
      signInTechnical: technicalSignIn(parts, clock),
    }),
  );
  gateway.on('clientError', answerClientError);
  return gateway;
}

/** Listens on 127.0.0.1 (`port`, else PORT, else 3000); a taken port is an error that says how to pick another. */
export async function openGateway(
  gateway: http.Server,
  parts: PlatformParts,
  port: number | undefined,
): Promise<{ readonly url: string; readonly port: number }> {
  const requestedPort = port ?? Number(process.env.PORT ?? 3000);
  let actual: number;
  try {
    actual = await listen(gateway, requestedPort, '127.0.0.1');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw portBusy(requestedPort, 'passerelle HTTP', `PORT=${requestedPort + 1} npm start`);
    }
    throw error;
  }
  parts.components.gateway = 'ok';
  parts.gatewayUrl = `http://127.0.0.1:${actual}`;
  return { url: parts.gatewayUrl, port: actual };
}
