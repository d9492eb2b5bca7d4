import { createHash } from 'node:crypto';
import type { Platform } from '../../../infra/local/platform';
import { ScanCommand } from '../../../shared/adapters/dynamo/document-client';
import { seedOnBoot } from '../../../shared/seed/boot';
import { DEMO } from '../../../shared/seed/demo';
import { contextWith } from '../../../shared/services/context';
import { draftWithMainFile, signInAs } from '../../integration/api/dossiers/client';
import { siretFrom } from '../../integration/api/identity/http';
import type { FuzzIdentity } from './requests';

/**
 * What the fuzzer runs against: the demo data seeded as `npm start` seeds it, plus one sent dossier and one draft
 * made through the API (so that dossier, piece and file ids of real data are among the values tried), the demo
 * accounts' tokens, and tokens that must be refused.
 */
export interface FuzzWorld {
  readonly identity: FuzzIdentity;
  readonly dossierIds: readonly string[];
}

/** A token whose signature's first character is changed (the last one may carry only padding bits). */
function forged(token: string): string {
  const [h, p, s = ''] = token.split('.');
  return `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
}

function unsigned(token: string): string {
  const [, payload] = token.split('.');
  const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
  return `${header}.${payload}.`;
}

export async function prepareFuzzWorld(p: Platform): Promise<FuzzWorld> {
  await seedOnBoot({ client: p.clients.document, tableName: p.tableName, now: p.clock.now(), baseUrl: p.url });
  const tokens: Record<string, string> = {};
  for (const u of Object.values(DEMO.users)) tokens[u.login] = (await signInAs(p.url, u.login)).token;
  const mandataire = await signInAs(p.url, DEMO.users.mandataire.login);
  const sousTraitant = await signInAs(p.url, DEMO.users.sousTraitant.login);
  const settle = async () => p.settle();
  const M = { ht: '4000.00', tva: '800.00', ttc: '4800.00' };
  const sent = await draftWithMainFile(
    mandataire,
    `/v1/marches/${DEMO.marcheId}/pieces`,
    { cadre: 'A4', numero: 'FUZZ-PDM-1', montants: M },
    settle,
  );
  const envoi = await mandataire.post(`/v1/dossiers/${sent.dossierId}/pieces/${sent.pieceId}/envoyer`, {});
  if (envoi.status !== 201)
    throw new Error(`envoi de la pièce du fuzz : ${envoi.status} ${JSON.stringify(envoi.body)}`);
  await p.settle();
  const draft = await draftWithMainFile(
    sousTraitant,
    `/v1/marches/${DEMO.marcheId}/pieces`,
    { cadre: 'A9', numero: 'FUZZ-ST-1', montants: M },
    settle,
  );
  const throwAway = await throwAwayAccounts(p);
  const throwAwayStructure = await throwAwayStructureOf(p);
  const fileIds = [sent, draft].flatMap((d) => ((d.draft?.fichiers ?? []) as { id: string }[]).map((f) => f.id));
  const anyToken = tokens[DEMO.users.mandataire.login] ?? '';
  return {
    dossierIds: [sent.dossierId, draft.dossierId],
    identity: {
      tokens,
      badTokens: [
        `Bearer ${forged(anyToken)}`,
        `Bearer ${unsigned(anyToken)}`,
        'Bearer',
        'Bearer x.y.z',
        `Basic ${Buffer.from('moa@demo.test:x').toString('base64')}`,
        // (not the bare token: API Gateway, and so the local gateway, accepts a token without its Bearer prefix —
        // that one is a valid demo token, and it deactivated the mandataire's GP in the fuzz)
      ],
      hints: {
        dossierId: [sent.dossierId, draft.dossierId],
        pieceId: [sent.pieceId, draft.pieceId],
        fichierId: fileIds,
        marcheId: [DEMO.marcheId],
        siret: Object.values(DEMO.sirets),
        'x-structure-siret': Object.values(DEMO.sirets),
        userId: Object.values(DEMO.users).map((u) => u.id),
        code: [DEMO.codeService],
      },
      throwAway,
      throwAwayStructure,
    },
  };
}

/** Throw-away accounts, members of the mandataire's structure, for the operations that change accounts. */
const THROW_AWAY = 4;

async function throwAwayAccounts(p: Platform): Promise<NonNullable<FuzzIdentity['throwAway']>> {
  const { identity } = contextWith({});
  const now = p.clock.now();
  const tokens: Record<string, string> = {};
  const ids: string[] = [];
  for (let i = 1; i <= THROW_AWAY; i++) {
    const user = { id: `fuzz-jetable-${i}`, loginAddress: `jetable-${i}@fuzz.test` };
    await identity.registerUser(user, now);
    await identity.memberships.requestAttachment(
      { userId: user.id, siret: DEMO.sirets.mandataire, spaces: [{ space: 'FACTURES_TRAVAUX', mode: 'MODIFICATION' }] },
      now,
    );
    await identity.memberships.decideAttachment(
      { deciderId: DEMO.users.mandataire.id, siret: DEMO.sirets.mandataire, userId: user.id, decision: 'APPROVED' },
      now,
    );
    tokens[user.loginAddress] = (await signInAs(p.url, user.loginAddress)).token;
    ids.push(user.id);
  }
  return { tokens, hints: { userId: ids } };
}

/** The throw-away structure's SIRET (its Luhn key computed by the tests' own oracle). */
export const THROW_AWAY_SIRET = siretFrom('1000026120300');

/** A public structure whose GP is a throw-away account, for the operations that change a structure or a marché. */
async function throwAwayStructureOf(p: Platform): Promise<NonNullable<FuzzIdentity['throwAwayStructure']>> {
  const { identity } = contextWith({});
  const now = p.clock.now();
  const gp = { id: 'fuzz-jetable-gp', loginAddress: 'jetable-gp@fuzz.test' };
  await identity.registerUser(gp, now);
  await identity.createStructure(
    {
      userId: gp.id,
      structure: {
        siret: THROW_AWAY_SIRET,
        raisonSociale: 'Structure jetable du fuzz',
        type: 'PUBLIC',
        services: [{ code: 'FUZZ', libelle: 'Service jetable', active: true }],
        spaces: ['FACTURES_TRAVAUX'],
      },
    },
    now,
  );
  return {
    tokens: { [gp.loginAddress]: (await signInAs(p.url, gp.loginAddress)).token },
    hints: {
      siret: [THROW_AWAY_SIRET],
      'x-structure-siret': [THROW_AWAY_SIRET],
      code: ['FUZZ'],
      marcheId: ['MARCHE-JETABLE-INEXISTANT'],
    },
  };
}

/** Every item of the table but idempotency records (their bookkeeping is the point of a refusal's replay). */
export async function tableSnapshot(p: Platform): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await p.clients.document.send(
      new ScanCommand({
        TableName: p.tableName,
        ConsistentRead: true,
        FilterExpression: 'NOT begins_with(pk, :idemp)',
        ExpressionAttributeValues: { ':idemp': 'IDEMP#' },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const key = `${String(item.pk)}|${String(item.sk)}`;
      out.set(key, createHash('sha256').update(canonical(item)).digest('hex'));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** JSON with object keys sorted at every depth, so that equal items give equal digests. */
function canonical(value: unknown): string {
  if (value instanceof Set) return canonical([...value].sort());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return value instanceof Uint8Array
    ? JSON.stringify(Buffer.from(value).toString('base64'))
    : (JSON.stringify(value) ?? 'null');
}
