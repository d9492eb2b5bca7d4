import * as z from 'zod/mini';
import { cognitoMachineClientsFromEnv } from '../../shared/adapters/cognito-machine-clients';
import { httpHandler } from '../../shared/http/handler';
import { ok } from '../../shared/http/results';
import { compteTechnique, siretParams, toCompteTechniqueJson } from '../../shared/schemas/identity';
import { withMeta } from '../../shared/schemas/meta';
import { technicalClientService } from '../../shared/services/wiring';
import { STALE_RESPONSE } from './lib';

/**
 * The technical account's machine-to-machine client (docs/rules/structures.md#technical-account): the GP creates it
 * or renews its secret; a program then asks the token URL for an access token with the client credentials grant.
 */

const clientTechniqueJson = withMeta(
  z.object({
    clientId: z.string(),
    clientSecret: withMeta(z.string(), { description: 'Affiché une seule fois : conservez-le dans un coffre.' }),
    urlJeton: withMeta(z.string(), { description: 'Où demander un jeton (grant_type=client_credentials).' }),
    scope: z.string(),
    compteTechnique,
  }),
  { id: 'ClientTechnique' },
);

export const renouvelerClientTechnique = httpHandler({
  operationId: 'renouvelerClientTechnique',
  summary: 'Créer ou renouveler le client machine à machine du compte technique (gestionnaire principal)',
  description:
    'Crée le client OAuth 2 (client credentials) du compte technique, ou lui donne un nouveau secret (l’ancien cesse de fonctionner). Les 424 jours repartent de ce renouvellement ; passé ce délai, les jetons sont refusés (COMPTE_TECHNIQUE_EXPIRE).',
  tags: ['Structures'],
  method: 'POST',
  path: '/v1/structures/{siret}/compte-technique/client',
  auth: 'user',
  params: siretParams,
  responses: {
    ...STALE_RESPONSE,
    200: { description: 'Client créé ou secret renouvelé', schema: clientTechniqueJson },
    409: { description: 'Aucun fournisseur de clients techniques configuré (CLIENT_TECHNIQUE_INDISPONIBLE).' },
  },
  handler: async (ctx) => {
    const renewed = await technicalClientService().renew(
      { actorId: ctx.identity.userId, siret: ctx.params.siret },
      ctx.now,
      cognitoMachineClientsFromEnv,
    );
    return ok({
      clientId: renewed.clientId,
      clientSecret: renewed.clientSecret,
      urlJeton: renewed.tokenUrl,
      scope: renewed.scope,
      compteTechnique: toCompteTechniqueJson(renewed.account),
    });
  },
});
