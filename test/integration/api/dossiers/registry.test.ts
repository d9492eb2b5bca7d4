import { describe, expect, it } from 'vitest';
import * as actions from '../../../../functions/dossiers/actions';
import * as evidence from '../../../../functions/dossiers/evidence';
import * as history from '../../../../functions/dossiers/history';
import { DOSSIER_LAMBDAS } from '../../../../functions/dossiers/lambdas';
import * as pieces from '../../../../functions/dossiers/pieces';
import * as read from '../../../../functions/dossiers/read';
import * as search from '../../../../functions/dossiers/search';
import { ACTION_TYPES } from '../../../../shared/domain/circuits';
import { buildOpenApi } from '../../../../shared/http/openapi';
import { operations } from '../../../../shared/http/registry';
import { actionBody } from '../../../../shared/schemas/dossier-actions';
import type { Json } from './client';

/** The registry fragment reads its routes from the routed handlers, and the OpenAPI document documents them. */
type HttpKey = Exclude<keyof typeof DOSSIER_LAMBDAS, 'dossiersEvidenceBuild'>;
const handlers: Record<HttpKey, { routeKeys: readonly string[] }> = {
  dossiersRead: read.handler,
  dossiersAct: actions.handler,
  dossiersPieces: pieces.handler,
  dossiersSearch: search.handler,
  dossiersEvidence: evidence.handler,
  dossiersAudit: history.handler,
};

describe('functions/dossiers registry fragment', () => {
  it('lists exactly the routes each function answers', () => {
    for (const key of Object.keys(handlers) as HttpKey[]) {
      const def = DOSSIER_LAMBDAS[key];
      const declared = def.routes.map((r) => `${r.method} ${r.path}`).sort();
      expect(declared, key).toEqual([...handlers[key as keyof typeof handlers].routeKeys].sort());
      expect(def.entry).toBe(
        `functions/dossiers/${{ dossiersRead: 'read', dossiersAct: 'actions', dossiersPieces: 'pieces', dossiersSearch: 'search', dossiersEvidence: 'evidence', dossiersAudit: 'history' }[key as keyof typeof handlers]}.ts`,
      );
    }
  });

  it('has the evidence pack built by a worker that no route reaches, invoked by the evidence function only', () => {
    const worker = DOSSIER_LAMBDAS.dossiersEvidenceBuild;
    expect(worker.kind).toBe('worker');
    expect(worker.entry).toBe('functions/dossiers/evidence-build.ts');
    expect(worker).not.toHaveProperty('routes');
    const invokers = Object.entries(DOSSIER_LAMBDAS)
      .filter(([, def]) => (def.access as { invokes?: readonly string[] }).invokes?.includes('dossiersEvidenceBuild'))
      .map(([key]) => key);
    expect(invokers).toEqual(['dossiersEvidence']);
  });

  it('gives write access only to the functions that write', () => {
    expect(DOSSIER_LAMBDAS.dossiersRead.access).toEqual({ table: 'read', bucket: 'read' });
    expect(DOSSIER_LAMBDAS.dossiersRead).not.toHaveProperty('access.stateMachines');
    expect(DOSSIER_LAMBDAS.dossiersAudit.access).toEqual({ table: 'read', bucket: 'read' });
    expect(DOSSIER_LAMBDAS.dossiersSearch.access).toEqual({ table: 'read' });
    expect(DOSSIER_LAMBDAS.dossiersAct.access.table).toBe('readWrite');
    expect(DOSSIER_LAMBDAS.dossiersPieces.access.bucket).toBe('readWriteDelete');
    // the evidence function writes nothing; its worker writes the packs (under preuves/ only)
    expect(DOSSIER_LAMBDAS.dossiersEvidence.access.bucket).toBe('read');
    expect(DOSSIER_LAMBDAS.dossiersEvidenceBuild.access.bucket).toBe('readWritePacks');
  });

  it('accepts at the API every action type of the rule book but the opening deposit', () => {
    const accepted = actionBody.def.options.map((o) => o.shape.type.def.values[0]);
    expect([...accepted].sort()).toEqual(ACTION_TYPES.filter((t) => t !== 'DEPOSER').sort());
  });

  it('documents every route in the OpenAPI document, with If-Match on actions', () => {
    const doc = buildOpenApi(operations()) as { paths: Record<string, Record<string, Json>> };
    for (const key of Object.keys(handlers) as HttpKey[]) {
      for (const r of DOSSIER_LAMBDAS[key].routes)
        expect(doc.paths[r.path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
    }
    const act = doc.paths['/v1/dossiers/{dossierId}/actions']!.post;
    expect(Object.keys(act.responses)).toEqual(expect.arrayContaining(['200', '412', '428']));
  });
});
