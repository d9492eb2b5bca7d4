import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { toUtilisateurJson, utilisateurJson } from '../../shared/schemas/identity';
import { services } from './lib';

/**
 * *Mon compte* (docs/rules/structures.md#users): the portal records each sign-in, so that the header shows the one
 * before (« Dernière connexion le … ») and the GP succession knows who signed in last.
 */

export const enregistrerConnexion = httpHandler({
  operationId: 'enregistrerConnexion',
  summary: 'Enregistrer une connexion (appelé par le portail à l’ouverture de la session)',
  description:
    'La connexion devient la plus récente (derniereConnexionLe) ; la précédente devient connexionPrecedenteLe, que le portail affiche (« Dernière connexion le … »).',
  tags: ['Utilisateurs'],
  method: 'POST',
  path: '/v1/moi/connexions',
  auth: 'user',
  responses: {
    200: {
      description: 'Le compte, avec sa connexion précédente',
      schema: utilisateurJson,
      headers: { ETag: 'Version du compte.' },
    },
    404: { description: 'Compte non créé : POST /v1/utilisateurs.' },
  },
  handler: async (ctx) => {
    const { identity } = services();
    await identity.getUser(ctx.identity.userId);
    const user = await identity.recordLogin(ctx.identity.userId, ctx.now);
    return ok(toUtilisateurJson(user), { etag: user.version });
  },
});
