import type { IdentityStore, Stored } from '../adapters/dynamo/identity-store';
import { DomainError } from '../domain/errors';
import type { Membership, User } from '../domain/structures';

/**
 * Who may read a structure's own views: the checks of the structure-level reads (marchés, synthèse, tableau de bord,
 * délais, search), where no marché is named (a marché's readers are decided by authorization.ts).
 */

/**
 * Readers of a structure's own views (marchés, synthèse, tableau de bord, délais): an active user whose attachment
 * to that structure is APPROVED. docs/rules/actors.md ("a user acts only for structures they are attached to")
 */
export async function assertMemberOf(
  store: IdentityStore,
  userId: string,
  siretValue: string,
): Promise<{ user: Stored<User>; membership: Stored<Membership> }> {
  const [user, membership] = await Promise.all([store.getUser(userId), store.getMembership(siretValue, userId)]);
  if (!user) {
    throw new DomainError('UTILISATEUR_INCONNU', "Votre compte n'est pas enregistré : créez-le d'abord.", 'FORBIDDEN');
  }
  if (!user.active) {
    throw new DomainError('UTILISATEUR_DESACTIVE', `Le compte ${user.loginAddress} est désactivé.`, 'FORBIDDEN');
  }
  if (membership?.status === 'PENDING') {
    throw new DomainError(
      'RATTACHEMENT_EN_ATTENTE',
      `Votre demande de rattachement à la structure ${siretValue} attend la décision d'un gestionnaire.`,
      'FORBIDDEN',
    );
  }
  if (membership?.status !== 'APPROVED') {
    throw new DomainError(
      'UTILISATEUR_NON_RATTACHE',
      `Vous n'êtes pas rattaché à la structure ${siretValue} : ces informations ne vous sont pas visibles.`,
      'FORBIDDEN',
    );
  }
  return { user, membership };
}

/**
 * A member who may open the structure's dossiers: subscribed, in either mode, to a space the structure has enabled
 * (docs/rules/structures.md#spaces) — the check every dossier read makes, so that a list never links to a refusal.
 */
export async function assertReaderOfDossiers(store: IdentityStore, userId: string, siretValue: string): Promise<void> {
  const [{ membership }, structure] = await Promise.all([
    assertMemberOf(store, userId, siretValue),
    store.getStructure(siretValue),
  ]);
  if (!membership.spaces.some((s) => structure?.spaces.includes(s.space))) {
    throw new DomainError(
      'ESPACE_NON_SOUSCRIT',
      `Vous n'êtes abonné à aucun espace de la structure ${siretValue} : ses dossiers ne vous sont pas visibles. Demandez un abonnement (consultation ou modification) à un gestionnaire.`,
      'FORBIDDEN',
    );
  }
}
