import { randomBytes } from 'node:crypto';
import type { IdentityStore } from '../adapters/dynamo/identity-store';
import type { MachineClientStore } from '../adapters/dynamo/machine-client-store';
import type { OutboxStore } from '../adapters/dynamo/notifications/outbox-store';
import { currentLogger } from '../adapters/logger';
import type { MachineClients } from '../adapters/machine-clients';
import { DomainError, isDomainError } from '../domain/errors';
import {
  renewTechnicalClient as renewTechnicalClientRule,
  type TechnicalAccount,
  technicalMembership,
  technicalUser,
} from '../domain/structures';
import { technicalAccountOf, technicalPasswordNoticeWrite } from './accounts';
import { activeUser } from './active-user';
import { retryOnStale } from './stale-retry';
import { hashPassword, verifyPassword } from './technical-password';

/**
 * The technical account's machine-to-machine client (docs/rules/structures.md#technical-account): the GP creates
 * it, then renews its secret before the 424 days run out; a program exchanges the client id and secret for an
 * access token (OAuth 2 client credentials) and calls the API as the technical account's user.
 */

export interface TechnicalClientDeps {
  readonly identity: IdentityStore;
  readonly clients: MachineClientStore;
  /** Undefined where no identity provider is configured for machine clients. */
  readonly provider: MachineClients | undefined;
  readonly outbox?: OutboxStore;
}

export interface RenewedTechnicalClient {
  readonly account: TechnicalAccount;
  readonly clientId: string;
  /** Shown once: the product keeps at most its hash. */
  readonly clientSecret: string;
  readonly tokenUrl: string;
  readonly scope: string;
}

const refused = () =>
  new DomainError(
    'IDENTIFIANTS_INVALIDES',
    'Identifiant ou secret du client technique invalide (ou client remplacé depuis) : demandez-les au gestionnaire principal de la structure.',
    'FORBIDDEN',
  );

/** The GP creates the client (first time) or gives it a new secret; the 424 days restart. */
export async function renewTechnicalClient(
  deps: TechnicalClientDeps,
  input: { readonly actorId: string; readonly siret: string },
  now: Date,
): Promise<RenewedTechnicalClient> {
  const { identity: store, provider } = deps;
  if (!provider) {
    throw new DomainError(
      'CLIENT_TECHNIQUE_INDISPONIBLE',
      "Aucun fournisseur d'identité n'est configuré pour les clients techniques sur cette installation : utilisez la connexion par mot de passe du compte technique.",
      'CONFLICT',
    );
  }
  const first = await technicalAccountOf(store, input, now);
  // Only the GP goes further (checked before the identity provider is touched).
  renewTechnicalClientRule(first.account, first.actor, first.account.clientId ?? 'pending', now);
  const secret = randomBytes(32).toString('hex');
  const created = first.account.clientId === undefined;
  const clientId = first.account.clientId ?? (await provider.create(first.login, secret));
  try {
    if (!created) await provider.rotate(clientId, secret);
    const secretHash = provider.keepsSecretHash ? await hashPassword(secret) : undefined;
    // The provider is called once; the table write reads again when another change of the structure went first (no
    // If-Match here, stale-retry.ts). A client another request created meanwhile is then replaced by this one.
    let replaced: string | undefined;
    const renewed = await retryOnStale(async (attempt) => {
      const {
        gp,
        structure,
        actor: a,
        account,
        login,
      } = attempt === 0 ? first : await technicalAccountOf(store, input, now);
      const next = renewTechnicalClientRule(account, a, clientId, now);
      const [existingUser, existingMembership] = await Promise.all([
        store.getUser(login),
        store.getMembership(structure.siret, login),
      ]);
      const record = { clientId, siret: structure.siret, login, createdAt: now, ...(secretHash ? { secretHash } : {}) };
      await store.commit([
        ...store.structureWrites({ ...structure, compteTechnique: next }, structure.version, structure),
        deps.clients.putWrite(record, account.clientId === clientId),
        store.membershipCheck(a, a.version),
        ...store.userWrites(technicalUser(next, existingUser, gp.contactAddress), existingUser?.version ?? 0),
        ...(existingMembership ? [] : [store.membershipWrite(technicalMembership(structure, next, now), 0)]),
        ...(deps.outbox ? [technicalPasswordNoticeWrite(deps.outbox, next)] : []),
      ]);
      replaced = account.clientId !== clientId ? account.clientId : undefined;
      return { account: next, clientId, clientSecret: secret, tokenUrl: provider.tokenUrl, scope: provider.scope };
    });
    // The client that a concurrent first creation recorded just before, replaced by this one: no token is issued to
    // it any more (technicalClientAccess), so it leaves the identity provider too.
    if (replaced) await deleteOrphan(provider, replaced, 'remplacé par une création concurrente');
    return renewed;
  } catch (error) {
    // A client created here but recorded nowhere would stay in the identity provider with a working secret and no
    // account (and count against its limit): it is deleted again; the renewal's own failure is what the GP sees.
    if (created) await deleteOrphan(provider, clientId, error);
    throw error;
  }
}

/** Best effort: a failure to delete is logged for the operator, never put in place of the renewal's own outcome. */
async function deleteOrphan(provider: MachineClients, clientId: string, cause: unknown): Promise<void> {
  try {
    await provider.delete(clientId);
    currentLogger().warn('client technique supprimé du fournisseur d’identité : il n’est plus enregistré', {
      clientId,
      cause: isDomainError(cause) ? cause.code : String(cause),
    });
  } catch (error) {
    currentLogger().error('client technique orphelin : ni enregistré ni supprimé, à supprimer à la main', {
      clientId,
      error: String(error),
    });
  }
}

/**
 * May this client have a token now? Its account's login, or a refusal: unknown or replaced client, wrong secret
 * (checked here only where the product keeps its hash), structure deactivated, or account past its 424 days
 * (COMPTE_TECHNIQUE_EXPIRE). Used by the user pool's token trigger on AWS and the local token endpoint.
 */
export async function technicalClientAccess(
  deps: Pick<TechnicalClientDeps, 'identity' | 'clients'>,
  clientId: string,
  secret: string | undefined,
  now: Date,
): Promise<{ readonly login: string; readonly siret: string }> {
  const record = await deps.clients.get(clientId);
  if (!record) throw refused();
  if (secret !== undefined) {
    if (!record.secretHash || secret.length === 0 || secret.length > 256) throw refused();
    if (!(await verifyPassword(secret, record.secretHash))) throw refused();
  }
  const structure = await deps.identity.getStructure(record.siret);
  if (!structure || structure.compteTechnique?.clientId !== clientId) throw refused();
  if (!structure.active) {
    throw new DomainError(
      'STRUCTURE_DESACTIVEE',
      `La structure ${record.siret} est désactivée : son compte technique ne peut plus obtenir de jeton.`,
      'FORBIDDEN',
    );
  }
  await activeUser(deps.identity, record.login, now);
  return { login: record.login, siret: record.siret };
}

/** The two operations on their dependencies, as the composition root builds them. */
export class TechnicalClientService {
  constructor(private readonly deps: TechnicalClientDeps) {}

  /** `fallback`: the provider to use when none was put in place (the handler's, from its environment). */
  renew(
    input: { readonly actorId: string; readonly siret: string },
    now: Date,
    fallback?: () => MachineClients | undefined,
  ): Promise<RenewedTechnicalClient> {
    return renewTechnicalClient({ ...this.deps, provider: this.deps.provider ?? fallback?.() }, input, now);
  }

  access(clientId: string, secret: string | undefined, now: Date): Promise<{ login: string; siret: string }> {
    return technicalClientAccess(this.deps, clientId, secret, now);
  }
}
