import { beforeAll, describe, expect, it } from 'vitest';
import type { MailQueue } from '../../../shared/adapters/mail';
import type { NotificationIntent } from '../../../shared/domain/notifications';
import { DEMO } from '../../../shared/seed/demo';
import { contextWith } from '../../../shared/services/context';
import { usePlatform } from '../../setup/platform';
import { call, expectProblem, login, seed } from '../api/identity/http';

/**
 * The notification routes over HTTP (issue 13), each answer checked against its OpenAPI description: a user's
 * notifications unread first with a cursor, the unread count of the portal's header, mark read, e-mail preferences,
 * bad input as problem+json, another user's notification unknown (404), and who may call what.
 *
 * The notifications are made as the platform makes them: outbox entries delivered by the dispatcher to the users of
 * the demo structures (the MOE's one user acts; at the commune, the MOA acts and the consultation user is told).
 */
const platform = usePlatform();
const s = DEMO.sirets;
const LIST = '/v1/moi/notifications';
const COUNT = '/v1/moi/notifications/non-lues';
const READ = '/v1/moi/notifications/{notificationId}/lue';
const PREFS = '/v1/moi/preferences-notifications';

let moe: string;
let moa: string;
let consultation: string;
let attente: string;

function intent(n: number, siret: string, at: string): NotificationIntent {
  return {
    kind: 'ACTION_ATTENDUE',
    source: `DOSSIER#HTTP-${n}@v1`,
    at,
    dossierId: `HTTP-${n}`,
    numero: `PDM-${n}`,
    title: `Action attendue — dossier HTTP-${n} (pièce n° PDM-${n})`,
    lines: ["Action attendue : déposer l'état d'acompte (A15)."],
    action: { label: "déposer l'état d'acompte (A15)", lastDay: '2030-01-14', deadlineAt: null, onSilence: null },
    link: `/dossiers/HTTP-${n}`,
    audience: [{ siret, act: true, space: 'FACTURES_TRAVAUX' }],
  };
}

const noMail: MailQueue = { enqueue: async () => undefined };

beforeAll(async () => {
  const p = platform();
  await seed(p);
  const ctx = contextWith({ mailQueue: noMail });
  // Three for the MOE (7, 8 and 9 January 2030), one for the commune (10 January)
  for (const [n, siret, at] of [
    [1, s.moe, '2030-01-07T08:00:00.000Z'],
    [2, s.moe, '2030-01-08T08:00:00.000Z'],
    [3, s.moe, '2030-01-09T08:00:00.000Z'],
    [4, s.moa, '2030-01-10T08:00:00.000Z'],
  ] as const) {
    await ctx.stores.outbox.putOnce(intent(n, siret, at), at);
  }
  await ctx.notificationDispatcher.dispatchPending();
  [moe, moa, consultation, attente] = await Promise.all([
    login(p, DEMO.users.moe.login),
    login(p, DEMO.users.moa.login),
    login(p, DEMO.users.consultation.login),
    login(p, DEMO.users.pending.login),
  ]);
});

describe('GET /v1/moi/notifications', () => {
  it('lists my notifications newest first, by pages with a cursor, with the unread count', async () => {
    const p = platform();
    const first = await call(p, 'GET', LIST, { token: moe, query: { limite: 2 } });
    expect(first.status).toBe(200);
    expect(first.body.notifications.map((n: { dossierId: string }) => n.dossierId)).toEqual(['HTTP-3', 'HTTP-2']);
    expect(first.body.nonLues).toBe(3);
    expect(first.body.notifications[0]).toMatchObject({
      type: 'ACTION_ATTENDUE',
      le: '2030-01-09T08:00:00.000Z',
      lien: '/dossiers/HTTP-3',
      aAgir: true,
      lue: false,
      lueLe: null,
      actionAttendue: { dernierJour: '2030-01-14' },
    });
    expect(first.body.curseur).toEqual(expect.any(String));
    const second = await call(p, 'GET', LIST, { token: moe, query: { limite: 2, curseur: first.body.curseur } });
    expect(second.body.notifications.map((n: { dossierId: string }) => n.dossierId)).toEqual(['HTTP-1']);
    expect(second.body.curseur).toBeNull();
  });

  it('tells a user in consultation without asking it to act, and nobody of another structure', async () => {
    const p = platform();
    const mine = await call(p, 'GET', LIST, { token: consultation });
    expect(mine.body.notifications).toMatchObject([{ dossierId: 'HTTP-4', aAgir: false }]);
    const actor = await call(p, 'GET', LIST, { token: moa });
    expect(actor.body.notifications).toMatchObject([{ dossierId: 'HTTP-4', aAgir: true }]);
    // A user whose attachment is still pending has none
    const pending = await call(p, 'GET', LIST, { token: attente });
    expect(pending.body).toEqual({ notifications: [], nonLues: 0, curseur: null });
  });

  it('refuses a page size out of 1..50 and a cursor it did not issue, as problem+json', async () => {
    const p = platform();
    for (const limite of [0, 51, 'dix']) {
      const r = await call(p, 'GET', LIST, { token: moe, query: { limite } });
      expect(r.status, String(limite)).toBe(422);
      expect(JSON.stringify(r.body.fields)).toContain('limite');
    }
    expectProblem(
      await call(p, 'GET', LIST, { token: moe, query: { curseur: 'pas-un-curseur' } }),
      422,
      'CURSEUR_INVALIDE',
    );
    // The MOA's cursor does not page through the MOE's notifications
    const moePage = await call(p, 'GET', LIST, { token: moe, query: { limite: 1 } });
    const stolen = await call(p, 'GET', LIST, { token: moa, query: { curseur: moePage.body.curseur } });
    expectProblem(stolen, 422, 'CURSEUR_INVALIDE');
    expect(stolen.body.detail).toContain('reprenez la liste depuis le début');
    const long = await call(p, 'GET', LIST, { token: moe, query: { curseur: 'x'.repeat(2001) } });
    expect(long.status).toBe(422);
  });
});

describe('unread count and mark read', () => {
  it('marks one read: the count goes down, it moves after the unread ones, a second time changes nothing', async () => {
    const p = platform();
    expect((await call(p, 'GET', COUNT, { token: moe })).body).toEqual({ nonLues: 3 });
    const [newest] = (await call(p, 'GET', LIST, { token: moe })).body.notifications;
    const read = await call(p, 'PUT', READ, { token: moe, params: { notificationId: newest.id } });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: newest.id, lue: true, lueLe: expect.any(String) });
    expect((await call(p, 'GET', COUNT, { token: moe })).body).toEqual({ nonLues: 2 });
    // Unread first: HTTP-2 and HTTP-1 (unread, newest first), then HTTP-3 (read)
    const list = await call(p, 'GET', LIST, { token: moe });
    expect(list.body.notifications.map((n: { dossierId: string; lue: boolean }) => [n.dossierId, n.lue])).toEqual([
      ['HTTP-2', false],
      ['HTTP-1', false],
      ['HTTP-3', true],
    ]);
    const again = await call(p, 'PUT', READ, { token: moe, params: { notificationId: newest.id } });
    expect(again.status).toBe(200);
    expect(again.body.lueLe).toBe(read.body.lueLe);
    expect((await call(p, 'GET', COUNT, { token: moe })).body).toEqual({ nonLues: 2 });
  });

  it("answers 404 for another user's notification and leaves it unread", async () => {
    const p = platform();
    const [theirs] = (await call(p, 'GET', LIST, { token: consultation })).body.notifications;
    const r = await call(p, 'PUT', READ, { token: moa, params: { notificationId: theirs.id } });
    expectProblem(r, 404, 'NOTIFICATION_INCONNUE');
    expect((await call(p, 'GET', COUNT, { token: consultation })).body).toEqual({ nonLues: 1 });
    expectProblem(
      await call(p, 'PUT', READ, { token: moa, params: { notificationId: 'inconnue' } }),
      404,
      'NOTIFICATION_INCONNUE',
    );
  });

  it('refuses a malformed notification id', async () => {
    const r = await call(platform(), 'PUT', READ, { token: moe, params: { notificationId: 'a'.repeat(65) } });
    expect(r.status).toBe(422);
    const r2 = await call(platform(), 'PUT', READ, { token: moe, params: { notificationId: 'a b' } });
    expect(r2.status).toBe(422);
  });
});

describe('e-mail preferences', () => {
  it('reads the defaults, then records a choice per kind; the action expected cannot be turned off', async () => {
    const p = platform();
    const before = await call(p, 'GET', PREFS, { token: moe });
    // 14 kinds, every one « IMMEDIAT » by default
    expect(before.body.preferences).toHaveLength(14);
    expect(new Set(before.body.preferences.map((x: { mode: string }) => x.mode))).toEqual(new Set(['IMMEDIAT']));
    const put = await call(p, 'PUT', PREFS, {
      token: moe,
      body: { SERVICE_FAIT: 'QUOTIDIEN', MISE_EN_PAIEMENT: 'AUCUN', ACTION_ATTENDUE: 'AUCUN' },
    });
    expect(put.status).toBe(200);
    const mode = (type: string) =>
      put.body.preferences.find((x: { type: string }) => x.type === type) as {
        mode: string;
        desactivableSiActionAttendue: boolean;
      };
    expect(mode('SERVICE_FAIT').mode).toBe('QUOTIDIEN');
    expect(mode('MISE_EN_PAIEMENT').mode).toBe('AUCUN');
    expect(mode('ACTION_ATTENDUE')).toMatchObject({ mode: 'AUCUN', desactivableSiActionAttendue: false });
    expect(mode('PIECE_REJETEE').mode).toBe('IMMEDIAT');
    // Read back; another user's preferences are untouched
    expect((await call(p, 'GET', PREFS, { token: moe })).body).toEqual(put.body);
    expect((await call(p, 'GET', PREFS, { token: moa })).body).toEqual(before.body);
  });

  it('refuses an unknown kind or mode and writes nothing', async () => {
    const p = platform();
    const before = (await call(p, 'GET', PREFS, { token: moa })).body;
    const kind = await call(p, 'PUT', PREFS, { token: moa, body: { SERVICE_FAIT: 'QUOTIDIEN', INCONNU: 'AUCUN' } });
    expectProblem(kind, 422, 'PREFERENCES_INVALIDES');
    expect(kind.body.detail).toContain('INCONNU');
    const mode = await call(p, 'PUT', PREFS, { token: moa, body: { SERVICE_FAIT: 'HEBDOMADAIRE' } });
    expectProblem(mode, 422, 'PREFERENCES_INVALIDES');
    expect(mode.body.detail).toContain('mode inconnu');
    for (const body of ['[]', '"IMMEDIAT"', '{"SERVICE_FAIT": 1}', '{']) {
      const r = await call(p, 'PUT', PREFS, { token: moa, body });
      expect(r.status, body).toBeGreaterThanOrEqual(400);
      expect(r.status, body).toBeLessThan(500);
    }
    expect((await call(p, 'GET', PREFS, { token: moa })).body).toEqual(before);
  });
});

describe('authorization', () => {
  it('asks every route for a signed-in user', async () => {
    const p = platform();
    const routes: [string, string, Record<string, string>?, unknown?][] = [
      ['GET', LIST],
      ['GET', COUNT],
      ['PUT', READ, { notificationId: 'x' }],
      ['GET', PREFS],
      ['PUT', PREFS, undefined, { SERVICE_FAIT: 'QUOTIDIEN' }],
    ];
    for (const [method, path, params, body] of routes) {
      const r = await call(p, method, path, { params, body });
      expectProblem(r, 401, 'AUTHENTIFICATION_REQUISE');
      const bad = await call(p, method, path, { params, body, token: 'pas.un.jeton' });
      expect(bad.status, `${method} ${path}`).toBe(401);
    }
  });
});
