import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newId } from '../../shared/adapters/ids';
import type { WorkflowPort } from '../../shared/adapters/workflow';
import { addDays, parisDateOf } from '../../shared/domain/calendar';
import { DEMO } from '../../shared/seed/demo';
import { contextWith } from '../../shared/services/context';
import { DEMO_LOGINS, E2E_TIMEOUT, eventually, expectAccessible, screenshot, usePortal } from './harness';

/**
 * « Activités du gestionnaire » and « Mon compte » in a real browser, on one platform: the titulaire's GP accepts two
 * rattachements, names a gestionnaire secondaire, switches a member to Consultation (who then sees no action and is
 * refused by the API); the card's stale version and field errors at 375 px; a structure created with its SIRET checked
 * as typed, its technical account and SIRET change; the public directory; Mon compte.
 */
const noWorkflow: WorkflowPort = { start: async () => 'started', release: async () => true };
const COLLEGUE = { id: 'u-e2e-collegue', login: 'collegue@demo.test' };
const S = DEMO.sirets;
let dossierId = '';

/** A SIRET with a valid Luhn key from 13 digits (test oracle, independent of the rule book's code). */
function siretFrom(thirteen: string): string {
  for (let key = 0; key <= 9; key++) {
    const candidate = `${thirteen}${key}`;
    const sum = [...candidate]
      .reverse()
      .map((c, i) => Number(c) * (i % 2 === 1 ? 2 : 1))
      .reduce((a, d) => a + (d > 9 ? d - 9 : d), 0);
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

describe('administration screens', { timeout: E2E_TIMEOUT }, () => {
  const portal = usePortal({
    seed: async (p) => {
      const ctx = contextWith({
        dynamo: p.clients.document,
        tableName: p.tableName,
        clock: p.clock,
        workflow: noWorkflow,
      });
      const now = p.clock.now();
      await ctx.identity.registerUser({ id: COLLEGUE.id, loginAddress: COLLEGUE.login }, now);
      await ctx.identity.memberships.requestAttachment(
        { userId: COLLEGUE.id, siret: S.mandataire, spaces: [{ space: 'FACTURES_TRAVAUX', mode: 'MODIFICATION' }] },
        now,
      );
      // A subcontractor's invoice waiting for the titulaire's validation (« Factures à valider »)
      dossierId = `DOS-${newId(now)}`;
      await ctx.dossiers.act({
        marcheId: DEMO.marcheId,
        actor: { siret: S.sousTraitant, roles: ['SOUS_TRAITANT'] },
        action: {
          type: 'DEPOSER',
          dossierId,
          piece: {
            id: `PCE-${newId(now)}`,
            numero: 'FST-GESTION-1',
            cadre: 'A9',
            montants: { htCents: 100_000, tvaCents: 20_000, ttcCents: 120_000 },
          },
        },
        userId: DEMO.users.sousTraitant.id,
      });
    },
  });

  const openStructure = async (page: Page, siret: string, name: RegExp) => {
    await page.goto(`/gestion/structures/${siret}`);
    await page.getByRole('heading', { level: 1, name }).waitFor();
  };
  const actionButtons = (page: Page) => page.getByTestId('actions').getByRole('button');

  it('a GP accepts rattachements, names a GS, switches a member to Consultation: no action left, the API refuses', async () => {
    const gp = await portal().signIn(DEMO_LOGINS.titulaire);
    await gp.getByRole('link', { name: 'Activités du gestionnaire' }).first().click();
    await gp.getByRole('heading', { level: 1, name: 'Activités du gestionnaire' }).waitFor();
    await eventually(() => gp.getByTestId('mes-structures').textContent()).toContain('Gestionnaire principal');
    await expectAccessible(gp);
    await gp.getByRole('link', { name: /Bâtiment Démo SAS/ }).click();
    await gp.getByRole('heading', { level: 1, name: 'Bâtiment Démo SAS' }).waitFor();
    await eventually(() => gp.getByTestId('demandes').locator('tbody tr').count()).toBe(2);
    await expectAccessible(gp);
    await screenshot(gp, 'gestion-structure');

    for (const login of [DEMO_LOGINS.attente, COLLEGUE.login]) {
      await gp
        .getByTestId('demandes')
        .locator('tr', { hasText: login })
        .getByRole('button', { name: 'Accepter' })
        .click();
      await eventually(() => gp.getByTestId('membres').textContent()).toContain(login);
    }
    const collegue = gp.getByTestId(`membre-${COLLEGUE.login}`);
    await collegue.getByRole('button', { name: /Nommer gestionnaire secondaire/ }).click();
    await eventually(() => collegue.textContent()).toContain('Gestionnaire secondaire');

    // The new member first acts in both spaces…
    const attente = gp.getByTestId(`membre-${DEMO_LOGINS.attente}`);
    await attente.getByLabel(/Factures à valider/).selectOption('MODIFICATION');
    await attente.getByRole('button', { name: /Enregistrer/ }).click();
    await eventually(() => gp.locator('.fr-alert--success').textContent()).toContain('Espaces de attente@demo.test');
    const member = await portal().signIn(DEMO_LOGINS.attente);
    await member.goto(`/dossiers/${dossierId}`);
    await member.getByRole('heading', { level: 1, name: /FST-GESTION-1/ }).waitFor();
    await eventually(() => actionButtons(member).count()).toBeGreaterThan(0);

    // …then the GP switches it to Consultation in both
    await attente.getByLabel(/Factures à valider/).selectOption('CONSULTATION');
    await attente.getByLabel(/Factures de travaux/).selectOption('CONSULTATION');
    await attente.getByRole('button', { name: /Enregistrer/ }).click();
    await eventually(async () =>
      (
        await portal().api<{ membres: { userId: string; espaces: { mode: string }[] }[] }>(
          DEMO_LOGINS.titulaire,
          'GET',
          `/v1/structures/${S.mandataire}/membres`,
        )
      ).membres
        .find((m) => m.userId === DEMO.users.pending.id)
        ?.espaces.map((e) => e.mode),
    ).toEqual(['CONSULTATION', 'CONSULTATION']);

    await member.reload();
    await member.getByRole('heading', { level: 1, name: /FST-GESTION-1/ }).waitFor();
    await eventually(() => member.getByTestId('actions').textContent()).toContain('aucune action');
    expect(await actionButtons(member).count()).toBe(0);
    const dossier = (await portal().api(DEMO_LOGINS.attente, 'GET', `/v1/dossiers/${dossierId}`)) as {
      version: number;
    };
    const direct = await fetch(`${portal().url}/v1/dossiers/${dossierId}/actions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await portal().token(DEMO_LOGINS.attente)}`,
        'content-type': 'application/json',
        'if-match': `"${dossier.version}"`,
        'idempotency-key': `gestion-e2e-${Date.now()}`,
      },
      body: JSON.stringify({ type: 'VALIDER' }),
    });
    expect(direct.status).toBe(403);
    expect(((await direct.json()) as { code: string }).code).toBe('MODE_CONSULTATION_SEULEMENT');

    // Handing over the principal role, with its confirmation: the GS becomes GP, the former GP stays GS
    await collegue.getByRole('button', { name: /Transmettre le rôle de gestionnaire principal/ }).click();
    await eventually(() => collegue.textContent()).toContain('deviendra gestionnaire principal');
    await collegue.getByRole('button', { name: 'Confirmer la transmission' }).click();
    await eventually(() => gp.locator('.fr-alert--success').textContent()).toContain(
      'est désormais gestionnaire principal',
    );
    const roles = await portal().api<{ membres: { userId: string; role: string }[] }>(
      DEMO_LOGINS.titulaire,
      'GET',
      `/v1/structures/${S.mandataire}/membres`,
    );
    const roleOf = (id: string) => roles.membres.find((m) => m.userId === id)?.role;
    expect([roleOf(COLLEGUE.id), roleOf(DEMO.users.mandataire.id)]).toEqual([
      'GESTIONNAIRE_PRINCIPAL',
      'GESTIONNAIRE_SECONDAIRE',
    ]);
  });

  it('gives a plain member the Activités du gestionnaire (its structures, no administration link) and the directory', async () => {
    const page = await portal().signIn(DEMO_LOGINS.attente);
    await page.getByRole('link', { name: 'Activités du gestionnaire' }).last().click();
    await page.getByRole('heading', { level: 1, name: 'Activités du gestionnaire' }).waitFor();
    await eventually(() => page.getByTestId('mes-structures').textContent()).toContain('Utilisateur');
    // A plain member does not administer the structure: its name is not a link
    expect(await page.getByTestId('mes-structures').getByRole('link').count()).toBe(0);
    await page.getByRole('link', { name: 'Rechercher structure publique' }).click();
    await page.getByRole('heading', { level: 1, name: 'Rechercher une structure publique' }).waitFor();
  });

  it('on a phone: a field error sits next to its field, a stale card reloads and keeps what was typed', async () => {
    const page = await portal().signIn(DEMO_LOGINS.moa, { width: 375, height: 800 });
    await openStructure(page, S.moa, /Commune de Bellerive/);
    const fiche = page.getByTestId('fiche');
    const name = fiche.getByLabel('Raison sociale');
    await name.fill('   ');
    await fiche.getByRole('button', { name: 'Enregistrer la fiche' }).click();
    await eventually(() => fiche.locator('.fr-input-group--error').textContent()).toContain(
      'Indiquez la raison sociale de la structure.',
    );
    await expectAccessible(page);
    // Someone else changes the structure meanwhile
    const current = (await portal().api(DEMO_LOGINS.moa, 'GET', `/v1/structures/${S.moa}`)) as { version: number };
    await portal().api(
      DEMO_LOGINS.moa,
      'PATCH',
      `/v1/structures/${S.moa}`,
      { parametresAnnuaire: { moaPresente: true } },
      { 'if-match': `"${current.version}"` },
    );
    await name.fill('Commune de Bellerive (démo) — mairie');
    await fiche.getByRole('button', { name: 'Enregistrer la fiche' }).click();
    await eventually(() => fiche.textContent()).toContain('modifiée entre-temps');
    expect(await name.inputValue()).toBe('Commune de Bellerive (démo) — mairie');
    await fiche.getByRole('button', { name: 'Enregistrer la fiche' }).click();
    await eventually(() => fiche.textContent()).toContain('Fiche enregistrée.');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(
      0,
    );
    await expectAccessible(page);
    await screenshot(page, 'gestion-fiche-375');
  });

  it('creates a structure with its SIRET checked as typed, sets its technical password, changes its SIRET', async () => {
    const page = await portal().signIn(DEMO_LOGINS.cotraitant);
    await page.goto('/gestion/nouvelle-structure');
    const siret = page.getByRole('textbox', { name: /^SIRET/ });
    const group = page.locator('.fr-input-group', { has: siret });
    await siret.fill('2130020250001');
    await eventually(() => group.textContent()).toContain('14 chiffres attendus');
    await siret.fill('21300202500013');
    await eventually(() => group.textContent()).toContain('clé de contrôle invalide');
    await siret.fill(S.moa);
    await eventually(() => group.textContent()).toContain('déjà enregistré');
    const fresh = siretFrom(`${String(Date.now() % 1e9).padStart(9, '0')}0001`);
    await siret.fill(fresh);
    await eventually(() => group.textContent()).toContain('SIRET valide.');
    await expectAccessible(page);
    await page.getByLabel('Raison sociale').fill('Menuiserie Nouvelle');
    await page.getByRole('button', { name: 'Créer la structure' }).click();
    await page.getByRole('heading', { level: 1, name: 'Menuiserie Nouvelle' }).waitFor();

    const password = page.getByLabel('Nouveau mot de passe');
    await password.fill('court');
    await page.getByLabel('Confirmation du mot de passe').fill('court');
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await eventually(() => page.locator('.fr-input-group', { has: password }).textContent()).toContain('12');
    await password.fill('Menuiserie-2026-Api');
    await page.getByLabel('Confirmation du mot de passe').fill('Menuiserie-2026-Api');
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    // Due date: 424 days after today (Paris calendar)
    const due = addDays(parisDateOf(portal().platform.clock.now()), 424).split('-').reverse().join('/');
    await eventually(() => page.getByTestId('compte-technique').textContent()).toContain(due);
    await expectAccessible(page);

    const moved = siretFrom(`${String((Date.now() + 7) % 1e9).padStart(9, '0')}0002`);
    const change = page.getByTestId('changement-siret');
    await change.getByLabel('Nouveau SIRET').fill(moved);
    await eventually(() => change.textContent()).toContain('SIRET valide.');
    await change.getByRole('button', { name: 'Continuer' }).click();
    await eventually(() => change.textContent()).toContain('Cette opération ne s’annule pas.');
    await expectAccessible(page);
    await change.getByText(/Je confirme le changement de SIRET/).click();
    await change.getByRole('button', { name: 'Confirmer le changement de SIRET' }).click();
    await page.waitForURL(`**/gestion/structures/${moved}`);
    await eventually(() => page.locator('main').textContent()).toContain('remplace le SIRET');
  });

  it('finds a public structure in the directory, and shows Mon compte with the previous sign-in', async () => {
    const page = await portal().signIn(DEMO_LOGINS.moe);
    await page.goto('/annuaire');
    const query = page.getByLabel(/Raison sociale \(début\) ou SIRET/);
    await query.fill('commune de bell');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await eventually(() => page.getByTestId('annuaire').textContent()).toContain('213 002 025 00012');
    await expectAccessible(page);
    // By SIRET, typed as it is printed
    await query.fill('213 002 025 00012');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await eventually(() => page.getByTestId('annuaire').locator('caption').textContent()).toContain('de SIRET');
    expect(await page.getByTestId('annuaire').locator('tbody tr').count()).toBe(1);
    expect(await page.getByRole('link', { name: /Télécharger l’annuaire/ }).getAttribute('href')).toBe(
      '/v1/annuaire.csv',
    );

    const again = await portal().signIn(DEMO_LOGINS.moe);
    await eventually(() => again.locator('header').textContent()).toContain('Dernière connexion le');
    await again.goto('/mon-compte');
    const facts = again.getByTestId('mon-compte');
    await eventually(() => facts.textContent()).toContain('moe@demo.test');
    expect(await facts.textContent()).toContain('ne peut pas être modifiée');
    const contact = again.getByLabel('Adresse de contact');
    await contact.fill('pas-une-adresse');
    await again.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await eventually(() => again.locator('.fr-input-group', { has: contact }).textContent()).toContain(
      'adresse électronique est attendue',
    );
    await contact.fill('secretariat.moe@demo.test');
    await again.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await eventually(() => again.locator('main').textContent()).toContain('Adresse de contact enregistrée.');
    await expectAccessible(again);
  });
});
