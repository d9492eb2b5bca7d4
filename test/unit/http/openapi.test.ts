import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { buildOpenApi, problemStatuses } from '../../../shared/http/openapi';
import type { OperationDescription } from '../../../shared/http/types';
import { amount, amountString, calendarDate, id, siret, version } from '../../../shared/schemas/common';
import { withMeta } from '../../../shared/schemas/meta';
import { openApiFaults } from './openapi-structure';

const Adresse = withMeta(z.object({ ligne1: z.string(), codePostal: z.string().check(z.regex(/^\d{5}$/)) }), {
  id: 'AdresseEssai',
});
const Dossier = withMeta(
  z.object({ id, version, montant: amountString, adresse: Adresse, facturation: z.optional(Adresse) }),
  { id: 'DossierEssai' },
);
type Noeud = { nom: string; enfants: Noeud[] };
const Noeud: z.ZodMiniType<Noeud> = z.lazy(() => z.object({ nom: z.string(), enfants: z.array(Noeud) }));

const OPS: OperationDescription[] = [
  {
    operationId: 'listerDossiersEssai',
    summary: 'Lister les dossiers',
    tags: ['Dossiers'],
    method: 'GET',
    path: '/v1/dossiers',
    auth: 'user',
    query: z.object({ siret: z.optional(siret), depuis: z.optional(calendarDate) }),
    responses: { 200: { description: 'Dossiers', schema: z.object({ elements: z.array(Dossier) }) } },
  },
  {
    operationId: 'creerDossierEssai',
    summary: 'Créer un dossier',
    tags: ['Dossiers'],
    method: 'POST',
    path: '/v1/dossiers',
    auth: 'user',
    idempotent: true,
    body: z.object({ siret, montant: amount, adresse: Adresse, echeance: calendarDate }),
    responses: {
      201: { description: 'Créé', schema: Dossier, headers: { Location: 'Adresse du dossier.', ETag: 'Version.' } },
      409: { description: 'Un dossier existe déjà pour ce marché.' },
    },
  },
  {
    operationId: 'modifierDossierEssai',
    summary: 'Modifier un dossier',
    tags: ['Dossiers'],
    method: 'PATCH',
    path: '/v1/dossiers/{dossierId}',
    auth: 'user',
    requiresIfMatch: true,
    params: z.object({ dossierId: id }),
    body: z.object({ montant: z.optional(amount), arbre: z.optional(Noeud) }),
    responses: { 200: { description: 'Modifié', schema: Dossier } },
  },
  {
    operationId: 'supprimerPieceEssai',
    summary: 'Supprimer une pièce',
    method: 'DELETE',
    path: '/v1/dossiers/{dossierId}/pieces/{pieceId}',
    auth: 'user',
    requiresIfMatch: true,
    params: z.object({ dossierId: id, pieceId: id }),
    headers: z.object({ 'x-motif': z.optional(z.string()) }),
    responses: { 204: { description: 'Supprimée' } },
  },
  {
    operationId: 'santeEssai',
    summary: 'Santé',
    method: 'GET',
    path: '/health',
    auth: 'public',
    responses: { 200: { description: 'Vivant', schema: z.object({ status: z.enum(['ok', 'degraded']) }) } },
  },
];

// biome-ignore lint/suspicious/noExplicitAny: the test walks a JSON document by literal paths
type Json = Record<string, any>;

describe('OpenAPI document', () => {
  const doc = buildOpenApi(OPS) as Json;

  it('is structurally complete for a client generator', () => {
    expect(openApiFaults(doc)).toEqual([]);
  });

  it('the structural check itself catches what it must', () => {
    const broken = structuredClone(doc);
    broken.paths['/v1/dossiers'].get.operationId = undefined;
    broken.paths['/v1/dossiers/{dossierId}'].patch.parameters = [];
    broken.paths['/health'].get.responses = { 500: { $ref: '#/components/responses/Inexistante' } };
    const faults = openApiFaults(broken);
    expect(faults).toEqual(
      expect.arrayContaining([
        expect.stringContaining('no operationId'),
        expect.stringContaining('do not match the template'),
        expect.stringContaining('no 2xx response'),
        expect.stringContaining('does not resolve'),
      ]),
    );
  });

  it('is OpenAPI 3.1 with servers, a bearer JWT scheme and the Problem schema', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers.length).toBeGreaterThan(0);
    expect(doc.components.securitySchemes.jwt).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(doc.components.schemas.Problem.required).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'code', 'detail', 'instance']),
    );
  });

  it('secures user operations and leaves public ones open', () => {
    expect(doc.paths['/v1/dossiers'].get.security).toEqual([{ jwt: [] }]);
    expect(doc.paths['/health'].get.security).toEqual([]);
  });

  it('describes requests as clients write them: amounts and dates are strings', () => {
    const body = doc.paths['/v1/dossiers'].post.requestBody;
    expect(body.required).toBe(true);
    const schema = body.content['application/json'].schema;
    expect(schema.properties.montant).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(schema.properties.echeance).toMatchObject({ type: 'string', format: 'date' });
    expect(schema.properties.adresse).toEqual({ $ref: '#/components/schemas/AdresseEssai' });
  });

  it('names schemas that carry a zod id, once', () => {
    const created = doc.paths['/v1/dossiers'].post.responses['201'];
    expect(created.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/DossierEssai' });
    expect(doc.components.schemas.DossierEssai.properties.montant.type).toBe('string');
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['AdresseEssai', 'DossierEssai', 'Problem']),
    );
  });

  it('lists path, query and header parameters, and the chain’s headers', () => {
    const del = doc.paths['/v1/dossiers/{dossierId}/pieces/{pieceId}'].delete;
    expect(del.parameters.map((p: Json) => p.name ?? p.$ref)).toEqual([
      'dossierId',
      'pieceId',
      'x-motif',
      '#/components/parameters/IfMatch',
    ]);
    const list = doc.paths['/v1/dossiers'].get.parameters;
    expect(list).toEqual([
      expect.objectContaining({ name: 'siret', in: 'query', required: false }),
      expect.objectContaining({ name: 'depuis', in: 'query', required: false }),
    ]);
    expect(doc.paths['/v1/dossiers'].post.parameters).toEqual([{ $ref: '#/components/parameters/IdempotencyKey' }]);
    expect(doc.components.parameters.IdempotencyKey).toMatchObject({
      name: 'Idempotency-Key',
      in: 'header',
      required: true,
    });
  });

  it('documents the problems each operation can meet', () => {
    const codes = (path: string, method: string) => Object.keys(doc.paths[path][method].responses).sort();
    expect(codes('/health', 'get')).toEqual(['200', '400', '500', '503']);
    expect(codes('/v1/dossiers', 'post')).toEqual([
      '201',
      '400',
      '401',
      '403',
      '409',
      '415',
      '422',
      '428',
      '500',
      '503',
    ]);
    expect(codes('/v1/dossiers/{dossierId}', 'patch')).toEqual(
      ['200', '400', '401', '403', '404', '412', '415', '422', '428', '500', '503'].sort(),
    );
    const conflict = doc.paths['/v1/dossiers'].post.responses['409'];
    expect(conflict.description).toBe('Un dossier existe déjà pour ce marché.');
    expect(conflict.content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    expect(doc.paths['/v1/dossiers'].post.responses['201'].headers['Idempotent-Replayed']).toEqual({
      $ref: '#/components/headers/IdempotentReplayed',
    });
  });

  it('hoists a recursive schema into a component', () => {
    expect(openApiFaults(doc)).toEqual([]);
    const arbre =
      doc.paths['/v1/dossiers/{dossierId}'].patch.requestBody.content['application/json'].schema.properties.arbre;
    expect(JSON.stringify(arbre)).toContain('#/components/schemas/');
  });

  it('names the request form of a schema apart when it differs from its response form', () => {
    const Options = withMeta(z.object({ tri: z._default(z.enum(['asc', 'desc']), 'asc') }), { id: 'OptionsEssai' });
    const ops: OperationDescription[] = [
      {
        operationId: 'ecrireOptions',
        summary: 'Écrire',
        method: 'PUT',
        path: '/v1/options',
        auth: 'user',
        body: Options,
        responses: { 200: { description: 'Écrites', schema: Options } },
      },
    ];
    const built = buildOpenApi(ops) as Json;
    expect(openApiFaults(built)).toEqual([]);
    expect(built.components.schemas.OptionsEssai.required).toEqual(['tri']);
    expect(built.components.schemas.OptionsEssaiEntree.required).toBeUndefined();
    expect(built.paths['/v1/options'].put.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/OptionsEssaiEntree',
    });
  });

  it('refuses two operations with the same operationId', () => {
    expect(() => buildOpenApi([OPS[0]!, { ...OPS[4]!, operationId: OPS[0]!.operationId }])).toThrow(/operationId/);
  });

  it('problemStatuses: a bare public GET can still meet 400, 500 and 503', () => {
    expect(problemStatuses(OPS[4]!)).toEqual([400, 500, 503]);
  });
});
