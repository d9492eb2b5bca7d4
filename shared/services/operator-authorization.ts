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
