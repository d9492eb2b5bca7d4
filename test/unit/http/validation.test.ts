import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { HttpProblem } from '../../../shared/http/errors';
import { jsonBody } from '../../../shared/http/middlewares/json-body';
import { validation } from '../../../shared/http/middlewares/validation';
import { stateOf } from '../../../shared/http/state';
import { formatPath } from '../../../shared/http/zod-fr';
import { amount, id, siret } from '../../../shared/schemas/common';
import { attempt, type FakeRequest, httpEvent, middyRequest } from './fixtures';

const schemas = {
  params: z.object({ dossierId: id }),
  query: z.object({ limite: z.coerce.number().int().min(1).max(100).optional() }),
  body: z.object({
    siret,
    lignes: z.array(z.object({ libelle: z.string().min(1), montant: amount })).min(1),
    nature: z.enum(['ACOMPTE', 'SOLDE']),
  }),
};

const VALID_ID = '01JQ8Z6X4C5V7B9N2M3K4J5H6G';

async function validate(r: FakeRequest) {
  const request = middyRequest(httpEvent({ method: 'POST', headers: { 'content-type': 'application/json' }, ...r }));
  await jsonBody(true).before!(request);
  await validation(schemas).before!(request);
  return stateOf(request);
}

async function refusal(r: FakeRequest): Promise<HttpProblem> {
  const error = await validate(r).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpProblem);
  return error as HttpProblem;
}

describe('validation middleware', () => {
  it('refuses a query parameter a strict query schema does not know with 400 PARAMETRE_INCONNU, naming each', async () => {
    const strict = { query: z.strictObject({ nom: z.string().max(5).optional() }) };
    const request = middyRequest(
      httpEvent({ method: 'GET', query: { nom: 'beaucoup trop long', couleur: 'bleu', taille: 'L' } }),
    );
    const error = await (async () => validation(strict).before!(request))().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HttpProblem);
    const problem = error as HttpProblem;
    // the malformed request is reported before the values (nom too long would be a 422)
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('PARAMETRE_INCONNU');
    expect(problem.fields).toEqual([
      { path: 'query.couleur', message: 'Paramètre inconnu.' },
      { path: 'query.taille', message: 'Paramètre inconnu.' },
    ]);
  });

  it('leaves unknown query parameters to a non-strict query schema (stripped)', async () => {
    const state = await validate({
      params: { dossierId: VALID_ID },
      query: { limite: '3', couleur: 'bleu' },
      body: JSON.stringify({
        siret: '21310555400017',
        nature: 'ACOMPTE',
        lignes: [{ libelle: 'Terrassement', montant: '1.00' }],
      }),
    });
    expect(state.query).toEqual({ limite: 3 });
  });

  it('hands over parsed and transformed values (amount string → cents)', async () => {
    const state = await validate({
      params: { dossierId: VALID_ID },
      query: { limite: '20' },
      body: JSON.stringify({
        siret: '21310555400017',
        nature: 'ACOMPTE',
        lignes: [{ libelle: 'Terrassement', montant: '1234.5' }],
      }),
    });
    expect(state.params).toEqual({ dossierId: VALID_ID });
    expect(state.query).toEqual({ limite: 20 });
    expect(state.body).toEqual({
      siret: '21310555400017',
      nature: 'ACOMPTE',
      lignes: [{ libelle: 'Terrassement', montant: 123450 }],
    });
  });

  it('reports every offending field at once, from path, query and body, in French (422 DONNEES_INVALIDES)', async () => {
    const problem = await refusal({
      params: { dossierId: 'pas-un-id' },
      query: { limite: '1000' },
      body: JSON.stringify({ siret: '21310555400018', nature: 'AUTRE', lignes: [{ libelle: '', montant: '12,50' }] }),
    });
    expect(problem.status).toBe(422);
    expect(problem.code).toBe('DONNEES_INVALIDES');
    const byPath = Object.fromEntries(problem.fields.map((f) => [f.path, f.message]));
    expect(Object.keys(byPath).sort()).toEqual(
      ['lignes[0].libelle', 'lignes[0].montant', 'nature', 'path.dossierId', 'query.limite', 'siret'].sort(),
    );
    expect(byPath['lignes[0].montant']).toContain('12,50'); // the money parser's own message
    expect(byPath.siret).toContain('clé de contrôle');
    expect(byPath.nature).toContain('ACOMPTE');
    expect(byPath['query.limite']).toContain('100');
    for (const message of Object.values(byPath)) expect(message).not.toMatch(/\b(Invalid|expected|received|Too)\b/);
  });

  it('says which fields are missing', async () => {
    const problem = await refusal({ params: { dossierId: VALID_ID }, body: '{}' });
    expect(problem.fields).toEqual(
      expect.arrayContaining([
        { path: 'siret', message: 'Champ obligatoire.' },
        { path: 'lignes', message: 'Champ obligatoire.' },
        { path: 'nature', message: 'Champ obligatoire.' },
      ]),
    );
  });

  it('reports a missing body as such', async () => {
    const problem = await refusal({ params: { dossierId: VALID_ID } });
    expect(problem.fields).toEqual([{ path: '', message: 'Corps de requête JSON obligatoire.' }]);
  });

  it('reports a wrong type in French', async () => {
    const problem = await refusal({
      params: { dossierId: VALID_ID },
      body: JSON.stringify({ siret: 21310555400017, nature: 'SOLDE', lignes: [{ libelle: 'x', montant: '1' }] }),
    });
    expect(problem.fields).toEqual([
      { path: 'siret', message: 'Type invalide : la valeur doit être une chaîne de caractères.' },
    ]);
  });

  it('lets a message set on the schema win over the French defaults', async () => {
    const request = middyRequest(httpEvent({ query: { code: 'x' } }));
    const middleware = validation({
      query: z.object({ code: z.string().length(5, { error: 'Code service : 5 caractères.' }) }),
    });
    await expect(attempt(() => middleware.before!(request))).rejects.toMatchObject({
      fields: [{ path: 'query.code', message: 'Code service : 5 caractères.' }],
    });
  });
});

describe('formatPath', () => {
  it.each([
    [[], ''],
    [['siret'], 'siret'],
    [['lignes', 0, 'montant'], 'lignes[0].montant'],
    [[2], '[2]'],
    [['a', 'b', 1, 3], 'a.b[1][3]'],
  ])('%j → %s', (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});
