import type { IdentityStore } from '../adapters/dynamo/identity-store';
import type { OperatorGrant, OperatorStore } from '../adapters/dynamo/operator-store';
import { DomainError } from '../domain/errors';
import type { User } from '../domain/structures';

/**
 * The platform-operator role (recording ECB rates, docs/ecb-rates.md): an active account holding an operator grant.
 * Checked at every call like the roles on a marché (shared/services/authorization.ts); the pure decision is
 * `decideOperator`.
 */
export function decideOperator(user: User | undefined, grant: OperatorGrant | undefined): DomainError | undefined {
  if (!user) {
    return new DomainError(
      'UTILISATEUR_NON_RATTACHE',
      "Votre compte n'est pas enregistré : créez-le avant d'utiliser les fonctions d'exploitation.",
      'FORBIDDEN',
    );
  }
  if (!user.active)
    return new DomainError('UTILISATEUR_DESACTIVE', `Le compte ${user.loginAddress} est désactivé.`, 'FORBIDDEN');
  if (!grant) {
    return new DomainError(
      'ROLE_OPERATEUR_REQUIS',
      "Réservé aux opérateurs de la plateforme : les taux de la BCE sont enregistrés par l'exploitant, pas par les acteurs d'un marché.",
      'FORBIDDEN',
    );
  }
  return undefined;
}

export async function resolveOperator(
  userId: string,
  stores: { readonly identity: IdentityStore; readonly operators: OperatorStore },
): Promise<{ userId: string; loginAddress: string }> {
  const { identity } = stores;
  const [user, grant] = await Promise.all([identity.getUser(userId), stores.operators.get(userId)]);
  const refusal = decideOperator(user, grant);
  if (refusal) throw refusal;
  return { userId, loginAddress: user!.loginAddress };
}

/**
 * Makes the account holding `loginAddress` a platform operator (`npm run operateurs -- accorder`, docs/ecb-rates.md):
 * the account must exist (the person has signed in and registered) and be active. Idempotent.
 */
export async function grantOperator(
  loginAddress: string,
  by: string,
  now: Date,
  stores: { readonly identity: IdentityStore; readonly operators: OperatorStore },
): Promise<{ outcome: 'ACCORDE' | 'DEJA_OPERATEUR'; userId: string }> {
  const user = await stores.identity.findUserByLogin(loginAddress);
  if (!user) {
    throw new DomainError(
      'UTILISATEUR_INCONNU',
      `Aucun compte n'a l'adresse de connexion ${loginAddress} : la personne doit d'abord se connecter et créer son compte.`,
      'NOT_FOUND',
    );
  }
  if (!user.active) {
    throw new DomainError('UTILISATEUR_DESACTIVE', `Le compte ${user.loginAddress} est désactivé.`, 'FORBIDDEN');
  }
  const outcome = await stores.operators.grant({
    userId: user.id,
    loginAddress: user.loginAddress,
    grantedAt: now.toISOString(),
    grantedBy: by,
  });
  return { outcome, userId: user.id };
}

/** Withdraws the grant of the account holding `loginAddress` (`npm run operateurs -- retirer`). Idempotent. */
export async function revokeOperator(
  loginAddress: string,
  stores: { readonly identity: IdentityStore; readonly operators: OperatorStore },
): Promise<'RETIRE' | 'NON_OPERATEUR'> {
  const user = await stores.identity.findUserByLogin(loginAddress);
  const grant = user ? undefined : (await stores.operators.list()).find((g) => g.loginAddress === loginAddress);
  const userId = user?.id ?? grant?.userId;
  return userId ? stores.operators.revoke(userId) : 'NON_OPERATEUR';
}
