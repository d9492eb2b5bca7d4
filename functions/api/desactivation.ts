import * as z from 'zod/mini';
import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { toUtilisateurJson, userId, utilisateurJson } from '../../shared/schemas/identity';
import { withMeta } from '../../shared/schemas/meta';
import type { DeactivationResult } from '../../shared/services/accounts';
import { resolveOperator } from '../../shared/services/operator-authorization';
import { identityService, identityStore, operatorStore } from '../../shared/services/wiring';
import { services } from './lib';

/**
 * Deactivating an account (docs/rules/structures.md#managers): by the person itself, or by a platform operator
 * (the administration). In every structure where the account was gestionnaire principal, the gestionnaire
 * secondaire with the most recent last login takes the role; the change is recorded on the structure
 * (`historiqueGestionnairePrincipal`). A technical account is not deactivated this way (its GP manages it).
 */

const TAGS = ['Utilisateurs'];

const desactivationJson = withMeta(
  z.object({
    utilisateur: utilisateurJson,
    successions: z.array(
      withMeta(
        z.object({
          siret: z.string(),
          nouveauGestionnairePrincipal: withMeta(z.nullable(z.string()), {
            description: 'Le gestionnaire secondaire devenu principal ; null : la structure n’en a plus.',
          }),
        }),
        { id: 'SuccessionGestionnairePrincipal' },
      ),
    ),
  }),
  { id: 'Desactivation' },
);

function desactivationOf(result: DeactivationResult): z.output<typeof desactivationJson> {
  const successions = [
    ...result.changed
      .filter((m) => m.role === 'GESTIONNAIRE_PRINCIPAL')
      .map((m) => ({ siret: m.siret, nouveauGestionnairePrincipal: m.userId as string | null })),
    ...result.withoutPrincipal.map((siret) => ({ siret, nouveauGestionnairePrincipal: null })),
  ].sort((a, b) => a.siret.localeCompare(b.siret));
  return { utilisateur: toUtilisateurJson(result.user), successions };
}

const RESPONSES = {
  200: {
    description: 'Compte désactivé (ou déjà désactivé) ; les successions de gestionnaire principal',
    schema: desactivationJson,
  },
  409: { description: 'Un compte technique ne se désactive pas (COMPTE_TECHNIQUE_NON_DESACTIVABLE).' },
} as const;

export const desactiverMonCompte = httpHandler({
  operationId: 'desactiverMonCompte',
  summary: 'Désactiver mon compte',
  description:
    'Le compte ne peut plus agir. Dans chaque structure dont il était gestionnaire principal, le gestionnaire secondaire actif connecté le plus récemment le devient ; sans gestionnaire secondaire, la structure n’a plus de gestionnaire principal. Le changement est inscrit dans l’historique de la structure.',
  tags: TAGS,
  method: 'POST',
  path: '/v1/moi/desactivation',
  auth: 'user',
  responses: RESPONSES,
  handler: async (ctx) => {
    const result = await services().identity.deactivateUser(
      { actorId: ctx.identity.userId, userId: ctx.identity.userId },
      ctx.now,
    );
    return ok(desactivationOf(result));
  },
});

export const desactiverUtilisateur = httpHandler({
  operationId: 'desactiverUtilisateur',
  summary: 'Désactiver le compte d’un utilisateur (opérateur de la plateforme)',
  description:
    'Réservé aux opérateurs de la plateforme (l’administration). Mêmes effets que « Désactiver mon compte » : succession du gestionnaire principal, inscrite dans l’historique de chaque structure concernée.',
  tags: ['Exploitation'],
  method: 'POST',
  path: '/v1/utilisateurs/{userId}/desactivation',
  auth: 'user',
  params: z.object({ userId }),
  responses: { ...RESPONSES, 404: { description: 'Aucun compte de cet identifiant (UTILISATEUR_INCONNU).' } },
  handler: async (ctx) => {
    await resolveOperator(ctx.identity.userId, { identity: identityStore(), operators: operatorStore() });
    const result = await identityService().deactivateUser(
      { actorId: ctx.identity.userId, userId: ctx.params.userId, asAdministrator: true },
      ctx.now,
    );
    return ok(desactivationOf(result));
  },
});
