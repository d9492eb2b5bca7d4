import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newId } from '../../shared/adapters/ids';
import type { WorkflowPort } from '../../shared/adapters/workflow';
import { DEMO } from '../../shared/seed/demo';
import { contextWith } from '../../shared/services/context';
import { unzip } from '../setup/zip';
import { DEMO_LOGINS, downloadOf, E2E_TIMEOUT, eventually, expectAccessible, screenshot, usePortal } from './harness';

/**
 * The header's notifications bell, the Notifications page and the e-mail choices of « Mon compte » (issue 13), then
 * the « Télécharger le dossier de preuve » button of a late dossier (issue 14), in a real browser on one platform
 * that delivers notifications.
 */
const noWorkflow: WorkflowPort = { start: async () => 'started', release: async () => true };
let dossierId = '';

interface Notifs {
  nonLues: number;
  notifications: { id: string; dossierId: string | null; lue: boolean; titre: string; type: string }[];
}

describe('notifications and the dossier de preuve in the portal', { timeout: E2E_TIMEOUT }, () => {
  const portal = usePortal({
    platform: { notifications: { pollMs: 200 } },
    seed: async (p) => {
      const ctx = contextWith({
        dynamo: p.clients.document,
        tableName: p.tableName,
        clock: p.clock,
        workflow: noWorkflow,
      });
      const now = p.clock.now();
      dossierId = `DOS-${newId(now)}`;
      // The titulaire deposits a PDM: the MOE is told an action is expected of it (outbox, delivered by the platform)
      await ctx.dossiers.act({
        marcheId: DEMO.marcheId,
        actor: { siret: DEMO.sirets.mandataire, roles: ['MANDATAIRE'] },
        action: {
          type: 'DEPOSER',
          dossierId,
          piece: {
            id: `PCE-${newId(now)}`,
            numero: 'PDM-NOTIF-01',
            cadre: 'A4',
            montants: { htCents: 100_000, tvaCents: 20_000, ttcCents: 120_000 },
          },
        },
        userId: DEMO.users.mandataire.id,
      });
    },
  });

  const mine = (login: string) => portal().api<Notifs>(login, 'GET', '/v1/moi/notifications');

  it('shows the unread count in the header; the page lists unread first, marks read, and opens the dossier', async () => {
    await eventually(async () =>
      (await mine(DEMO_LOGINS.moe)).notifications.some((n) => n.dossierId === dossierId),
    ).toBe(true);
    const before = await mine(DEMO_LOGINS.moe);
    expect(before.nonLues).toBeGreaterThan(0);

    const page = await portal().signIn(DEMO_LOGINS.moe);
    const bell = page.getByRole('link', { name: /^Notifications/ }).first();
    const unreadWords = before.nonLues === 1 ? '1 non lue' : `${before.nonLues} non lues`;
    await eventually(() => bell.textContent()).toContain(unreadWords);
    await bell.click();
    await eventually(() => page.locator('main h1').textContent()).toBe('Notifications');
    const items = page.getByTestId('notifications').locator('li');
    await eventually(() => items.count()).toBe(before.notifications.length);
    // Unread first: the first item carries the « Non lue » badge and the API's first notification's title
    const first = items.first();
    expect(await first.getAttribute('data-lue')).toBe('false');
    expect(await first.textContent()).toContain(before.notifications[0]?.titre);
    await expectAccessible(page);
    await screenshot(page, 'notifications');

    const target = before.notifications.find((n) => n.dossierId === dossierId && !n.lue);
    expect(target).toBeDefined();
    const item = items.filter({ hasText: target?.titre ?? '' }).first();
    await item.getByRole('button', { name: /Marquer comme lue/ }).click();
    await eventually(async () => (await mine(DEMO_LOGINS.moe)).nonLues).toBe(before.nonLues - 1);
    await eventually(() => item.getAttribute('data-lue')).toBe('true');
    // The header's count follows: one fewer (none left: no number at all)
    const left = before.nonLues - 1;
    if (left === 0) await eventually(() => bell.textContent()).toBe('Notifications');
    else await eventually(() => bell.textContent()).toContain(left === 1 ? '1 non lue' : `${left} non lues`);

    await item.getByRole('link', { name: /Ouvrir le dossier/ }).click();
    await page.waitForURL(`**/dossiers/${dossierId}`);
    await eventually(() => page.locator('main h1').textContent()).toContain('PDM-NOTIF-01');
  });

  it('chooses in Mon compte how each kind is e-mailed; the action expected says it cannot be turned off', async () => {
    interface Prefs {
      preferences: { type: string; mode: string }[];
    }
    const page = await portal().signIn(DEMO_LOGINS.financier);
    await page.goto('/mon-compte');
    const form = page.getByTestId('preferences-notifications');
    // One choice per kind of docs/rules/notifications.md: action, reminder, tacit outcome, 4 piece decisions
    // (refusée, à recycler, suspendue, rejetée), 3 service financier steps, DGP passed, 2 rattachement kinds and
    // the technical password: 1 + 1 + 1 + 4 + 3 + 1 + 2 + 1 = 14
    await eventually(() => form.locator('select').count()).toBe(14);
    const action = form.getByLabel('Action attendue', { exact: false }).first();
    expect(await action.inputValue()).toBe('IMMEDIAT');
    // The hint is part of the label: the action expected and its reminder carry it, a payment step does not
    const cannotTurnOff = 'Ne peut pas être désactivé quand vous devez agir';
    const labelOf = (kind: string) => form.locator(`label[for="preference-${kind}"]`);
    expect(await labelOf('ACTION_ATTENDUE').textContent()).toContain(cannotTurnOff);
    expect(await labelOf('RAPPEL_ECHEANCE').textContent()).toContain(cannotTurnOff);
    expect(await labelOf('MISE_EN_PAIEMENT').textContent()).toBe('Mise en paiement');
    const paiement = form.getByLabel('Mise en paiement', { exact: true });
    await expectAccessible(page);

    await paiement.selectOption('QUOTIDIEN');
    await form.getByLabel('Pièce mandatée', { exact: true }).selectOption('AUCUN');
    await form.getByRole('button', { name: 'Enregistrer mes préférences' }).click();
    await eventually(() => form.textContent()).toContain('Préférences enregistrées.');
    const modes = async () =>
      Object.fromEntries(
        (await portal().api<Prefs>(DEMO_LOGINS.financier, 'GET', '/v1/moi/preferences-notifications')).preferences.map(
          (p) => [p.type, p.mode],
        ),
      );
    expect(await modes()).toMatchObject({
      MISE_EN_PAIEMENT: 'QUOTIDIEN',
      MANDATEE: 'AUCUN',
      ACTION_ATTENDUE: 'IMMEDIAT',
    });
    // Read back after a reload
    await page.reload();
    await eventually(() =>
      page.getByTestId('preferences-notifications').getByLabel('Mise en paiement', { exact: true }).inputValue(),
    ).toBe('QUOTIDIEN');
  });

  it('downloads the dossier de preuve of a late dossier: a ZIP holding its manifest and hash list', async () => {
    const p = portal().platform;
    // DGP of 30 days from the deposit (demo marché): 40 days later the payment is 10 days late
    await p.advanceClock({ days: 40 });
    const page = await portal().signIn(DEMO_LOGINS.titulaire);
    await page.goto(`/dossiers/${dossierId}`);
    const section = page.getByTestId('dossier-de-preuve');
    await eventually(() => section.textContent()).toContain('Ce paiement est en retard');
    await expectAccessible(page);
    const download = await downloadOf(page, () =>
      section.getByRole('button', { name: 'Télécharger le dossier de preuve' }).click(),
    );
    expect(download.suggestedFilename()).toMatch(new RegExp(`^dossier-de-preuve-.*${dossierId}\\.zip$`));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'preuve-')), download.suggestedFilename());
    await download.saveAs(file);
    const files = await unzip(fs.readFileSync(file));
    const manifest = JSON.parse(files.get('MANIFESTE.json')?.toString('utf8') ?? '{}');
    expect(manifest.dossierId).toBe(dossierId);
    expect(Array.isArray(manifest.documents)).toBe(true);
    for (const name of ['SHA256SUMS', 'rapport.pdf', 'piste-audit.json', 'LISEZMOI.txt', 'lettre-reclamation.txt']) {
      expect(files.has(name), name).toBe(true);
    }
    await eventually(() => section.textContent()).toContain('piste d’audit intègre');
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
