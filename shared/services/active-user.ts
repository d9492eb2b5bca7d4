import type { IdentityStore, Stored } from '../adapters/dynamo/identity-store';
import { DomainError } from '../domain/errors';
import { technicalAccountRefusal, type User } from '../domain/structures';

const forbidden = (code: string, message: string) => new DomainError(code, message, 'FORBIDDEN');

/** The caller's account, which must exist, be active, and (a technical account) not be past its 424 days. */
export async function activeUser(store: IdentityStore, userId: string, now?: Date): Promise<Stored<User>> {
  const user = await store.getUser(userId);
  if (!user) throw forbidden('UTILISATEUR_INCONNU', "Votre compte n'est pas enregistré : créez-le d'abord.");
  if (!user.active) throw forbidden('UTILISATEUR_DESACTIVE', `Le compte ${user.loginAddress} est désactivé.`);
  const expired = now ? technicalAccountRefusal(user, now) : undefined;
  if (expired) throw expired;
  return user;
}
