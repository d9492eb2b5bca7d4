import { describe, expect, it } from 'vitest';
import { EcbRateStore } from '../../shared/adapters/dynamo/ecb-rate-store';
import { newId } from '../../shared/adapters/ids';
import type { WorkflowPort } from '../../shared/adapters/workflow';
import { addDays, type CalendarDate, daysBetween } from '../../shared/domain/calendar';
import { halfYearStartOf } from '../../shared/domain/dgp/ecb-rates';
import { DEMO } from '../../shared/seed/demo';
import { contextWith } from '../../shared/services/context';
import { copyIndexEntry } from '../fixtures/index-copies';
import { DEMO_LOGINS, E2E_TIMEOUT, eventually, expectAccessible, screenshot, usePortal } from './harness';

/** The follow-up screens (Accueil, Synthèse, Tableau de bord, Délais, Marchés) on two deposited dossiers. */
const noWorkflow: WorkflowPort = { start: async () => 'started', release: async () => true };
let firstDossier = '';
/** The days the two seeded dossiers' DGP started (their deposit). */
const starts: CalendarDate[] = [];

/** Cents as the portal writes them, « 1 188,00 € » (test oracle, written apart from web/src/ui/format.ts). */
function euros(cents: number): string {
  const whole = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${whole},${String(cents % 100).padStart(2, '0')}\u00a0€`;
}

describe('portal screens', { timeout: E2E_TIMEOUT }, () => {
  const portal = usePortal({
    seed: async (p) => {
      const service = contextWith({
        dynamo: p.clients.document,
        tableName: p.tableName,
        clock: p.clock,
        workflow: noWorkflow,
      }).dossiers;
      // 1 188,00 € TTC = 990,00 € HT + 198,00 € TVA
      for (const [numero, ht, tva] of [
        ['PDM-ECRAN-01', 99_000, 19_800],
        ['PDM-ECRAN-02', 50_000, 10_000],
      ] as const) {
        const now = p.clock.now();
        const r = await service.act({
          marcheId: DEMO.marcheId,
          actor: { siret: DEMO.sirets.mandataire, roles: ['MANDATAIRE'] },
          action: {
            type: 'DEPOSER',
            dossierId: `DOS-${newId(now)}`,
            piece: {
              id: newId(now),
              numero,
              cadre: 'A4',
              montants: { htCents: ht, tvaCents: tva, ttcCents: ht + tva },
            },
          },
          userId: DEMO.users.mandataire.id,
        });
        firstDossier ||= r.dossier.id;
        starts.push(r.clock.start as CalendarDate);
        await p.advanceClock({ days: 2 });
      }
      // 120 waits for the MOA (copies of the MOE's first one): more than one page of the Synthèse
      await copyIndexEntry(p.clients.document, p.tableName, {
        partition: `PENDING#${DEMO.sirets.moe}`,
        into: `PENDING#${DEMO.sirets.moa}`,
        count: 120,
        prefix: 'ZZ-ECRAN',
      });
    },
  });

  it('shows the MOE its Synthèse: numéro, déposant, amount in French, deadline with days left; a click opens the dossier', async () => {
    const page = await portal().signIn(DEMO_LOGINS.moe);
    await page.getByRole('link', { name: 'Synthèse' }).first().click();
    const table = page.getByTestId('synthese');
    await eventually(() => table.locator('tbody tr').count()).toBe(2);
    const first = table.locator('tbody tr').first();
    await eventually(() => first.textContent()).toContain('PDM-ECRAN-01');
    const text = (await first.textContent()) ?? '';
    expect(text).toContain('Bâtiment Démo SAS');
    expect(text).toContain('1\u00a0188,00\u00a0€');
    expect(text).toMatch(/J-\d+/);
    expect(text).toMatch(/\d{2}\/\d{2}\/\d{4}/);
    // « À défaut de réponse » reads in French, never a raw status code.
    expect(text).toContain("n'a pas statué dans son délai réglementaire");
    expect(text).not.toMatch(/[A-Z]{3,}_[A-Z_]+/);
    // The header shows the user and the structure apart, not glued (« moe@demo.testStructure : »).
    const user = await page.getByTestId('utilisateur').first().boundingBox();
    const structure = await page.getByTestId('structure-courante').first().boundingBox();
    if (!user || !structure) throw new Error('header user or structure not displayed');
    const sameLine = Math.abs(user.y - structure.y) < user.height;
    if (sameLine) expect(structure.x - (user.x + user.width)).toBeGreaterThanOrEqual(16);
    else expect(structure.y).toBeGreaterThanOrEqual(user.y + user.height);
    await eventually(() => page.title()).toBe('Synthèse — Factures de travaux');
    await expectAccessible(page);
    await screenshot(page, 'synthese');
    await first.getByRole('link', { name: 'PDM-ECRAN-01' }).click();
    await page.waitForURL(`**/dossiers/${firstDossier}`);
  });

  it('shows the Accueil with the fil d’événements and quick access', async () => {
    const page = await portal().signIn(DEMO_LOGINS.titulaire);
    await eventually(() => page.getByTestId('evenements').textContent()).toContain('Pièce déposée');
    await expectAccessible(page);
    await screenshot(page, 'accueil');
  });

  it('counts the dossiers by status in the Tableau de bord; a count opens the matching search', async () => {
    const page = await portal().signIn(DEMO_LOGINS.titulaire);
    const searches: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname === '/v1/dossiers') searches.push(url.searchParams.get('statut') ?? '');
    });
    await page.goto('/tableau-de-bord');
    await eventually(() => page.locator('main').textContent()).toContain('2 dossiers au total');
    await expectAccessible(page);
    // Both seeded A4 wait for the MOE: one count, 2
    const counts = page.getByTestId('compteurs').getByRole('link');
    expect(await counts.count()).toBe(1);
    expect(await counts.first().textContent()).toBe('2 — Mise à disposition MOE');
    await counts.first().click();
    await page.waitForURL(/\/rechercher\?statut=MISE_A_DISPOSITION_MOE$/);
    // The list opened is the count's: the criterion is in the form and was sent, and it lists the 2 dossiers
    expect(await page.locator('#critere-statut').inputValue()).toBe('MISE_A_DISPOSITION_MOE');
    await eventually(() => page.getByTestId('resultats').locator('tbody tr').count()).toBe(2);
    expect(searches.at(-1)).toBe('MISE_A_DISPOSITION_MOE');
    await expectAccessible(page);
    // A status none of them has lists none
    await page.goto('/rechercher?statut=REJETEE');
    await eventually(() => page.locator('main').textContent()).toContain('Aucun dossier ne correspond');
    expect(await page.locator('#critere-statut').inputValue()).toBe('REJETEE');
    // The marché criterion names the structure's marchés by numéro; choosing one searches that marché
    await page.locator('#critere-statut').selectOption('');
    const option = page.locator('#critere-marche option', { hasText: DEMO.numeroMarche });
    expect(await option.getAttribute('value')).toBe(DEMO.marcheId);
    await page.locator('#critere-marche').selectOption(DEMO.marcheId);
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/rechercher' && url.search === `?marche=${DEMO.marcheId}`);
    await eventually(() => page.getByTestId('resultats').locator('tbody tr').count()).toBe(2);
  });

  it('lists the marchés and opens a fiche d’identité', async () => {
    const page = await portal().signIn(DEMO_LOGINS.moa);
    await page.goto('/marches');
    await page.getByRole('link', { name: DEMO.numeroMarche }).click();
    await eventually(() => page.locator('main h1').textContent()).toBe(`Marché ${DEMO.numeroMarche}`);
    await expectAccessible(page);
    await screenshot(page, 'marche-fiche');
  });

  it('shows the Délais screen to the MOA', async () => {
    const page = await portal().signIn(DEMO_LOGINS.moa);
    await page.goto('/delais');
    await eventually(() => page.locator('main h1').textContent()).toBe('Délais de paiement');
    // Dossiers are listed by their opening piece and marché, never by their technical id.
    const rows = page.getByTestId('delais').locator('tbody tr');
    await eventually(() => rows.count()).toBe(2);
    await eventually(() => page.getByTestId('delais').textContent()).toContain('A4 n° PDM-ECRAN-01');
    const table = (await page.getByTestId('delais').textContent()) ?? '';
    expect(table).toContain('A4 n° PDM-ECRAN-02');
    expect(table).toContain(DEMO.numeroMarche);
    expect(table).not.toContain(firstDossier);
    await expectAccessible(page);
    // Every dossier listed opens for the MOA (an actor of the marché reads its dossiers).
    await page.getByRole('link', { name: 'A4 n° PDM-ECRAN-01' }).click();
    await page.waitForURL(`**/dossiers/${firstDossier}`);
    await eventually(() => page.locator('main h1').textContent()).toContain('PDM-ECRAN-01');
  });

  it('shows 100 rows of a long Synthèse, then the rest with « Afficher plus »', async () => {
    const page = await portal().signIn(DEMO_LOGINS.moa);
    await page.goto('/synthese');
    const rows = page.getByTestId('synthese').locator('tbody tr');
    // 120 waits, 100 per page: the caption counts them all, the button the 20 left
    await eventually(() => rows.count()).toBe(100);
    await eventually(() => page.getByTestId('synthese').locator('caption').textContent()).toContain('120 pièces');
    await page.getByTestId('afficher-plus').click();
    await eventually(() => rows.count()).toBe(120);
    expect(await page.getByTestId('afficher-plus').count()).toBe(0);
  });

  it('works 375 px wide: the Synthèse table scrolls inside its frame, the page does not', async () => {
    const page = await portal().signIn(DEMO_LOGINS.moe, { width: 375, height: 800 });
    await page.goto('/synthese');
    await eventually(() => page.getByTestId('synthese').locator('tbody tr').count()).toBe(2);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page);
  });

  it('sums the late delays in the Délais totals, for the MOA and the service financier, one request a page', async () => {
    const p = portal().platform;
    const [start1, start2] = starts as [CalendarDate, CalendarDate];
    // dgpJours 30 on the demo marché: the échéance is the 30th day after the start (day 0)
    const [e1, e2] = [addDays(start1, 30), addDays(start2, 30)];
    // Ten days after the later échéance, at noon (same calendar day in Paris)
    const today = addDays(e2, 10);
    await p.advanceClock({ to: `${today}T12:00:00Z` });
    // The ECB rate of each half-year in which interest starts: recorded here when the seed does not hold it yet
    const rates = new EcbRateStore(p.clients.document, p.tableName);
    const rateOf = async (echeance: CalendarDate) => {
      const half = halfYearStartOf(addDays(echeance, 1));
      const known = await rates.get(half);
      if (known) return known.rateBp;
      await rates.record(
        { halfYearStart: half, rateBp: 215, source: 'OPERATEUR', reference: 'essai' },
        'essai',
        p.clock.now(),
      );
      return 215;
    };
    const [r1, r2] = [(await rateOf(e1)) + 800, (await rateOf(e2)) + 800]; // ECB + 8 points, in basis points
    // Days late: from the échéance to today, 10 for the later one, 10 + (start2 − start1) for the first
    const [late1, late2] = [daysBetween(e1, today), daysBetween(e2, today)];
    // Base = TTC − retenue de garantie 5 %: 118 800 − 5 940 = 112 860 ; 60 000 − 3 000 = 57 000 (cents).
    // Interest = base × rate × days / (10 000 × 365), rounded half-up to the cent.
    const interest = (base: number, rateBp: number, days: number) =>
      Math.floor((2 * base * rateBp * days + 10_000 * 365) / (2 * 10_000 * 365));
    const [i1, i2] = [interest(112_860, r1, late1), interest(57_000, r2, late2)];
    for (const login of [DEMO_LOGINS.moa, DEMO_LOGINS.financier]) {
      const page = await portal().newPage();
      const reads: string[] = [];
      page.on('request', (r) => {
        const path = new URL(r.url()).pathname;
        if (path.startsWith('/v1/dossiers/') || (path.startsWith('/v1/') && path.endsWith('/delais'))) reads.push(path);
      });
      await portal().signIn(login, { page });
      await page.goto('/delais');
      const rows = page.getByTestId('delais').locator('tbody tr');
      await eventually(() => rows.count()).toBe(2);
      // 2 late, interest i1 + i2, indemnity 2 × 40,00 € = 80,00 €, due i1 + i2 + 8 000 cents
      await eventually(() => page.getByTestId('delais-totaux').textContent()).toBe(
        `2 dossiers en retard sur 2 : intérêts moratoires courus à ce jour ${euros(i1 + i2)}, indemnités ` +
          `forfaitaires ${euros(8_000)}, soit ${euros(i1 + i2 + 8_000)} dus au titre du retard.`,
      );
      const first = (await rows.first().textContent()) ?? '';
      expect(first).toContain(`${late1}\u00a0jours de retard`);
      expect(first).toContain(euros(i1));
      expect(first).toContain(euros(i1 + 4_000));
      await expectAccessible(page);
      if (login === DEMO_LOGINS.moa) await screenshot(page, 'delais');
      // Every row shows what it needs from the list itself: one read of the Délais, none per dossier
      expect(reads).toEqual([
        `/v1/structures/${login === DEMO_LOGINS.moa ? DEMO.sirets.moa : DEMO.sirets.serviceFinancier}/delais`,
      ]);
    }
    // Today is 40 days after the later deposit, past the MOE's days for both waits (at most 15 with the PDM):
    // its Synthèse flags both rows late
    const moe = await portal().signIn(DEMO_LOGINS.moe);
    await moe.goto('/synthese');
    const late = moe.getByTestId('synthese').locator('tbody tr.ft-row-late');
    await eventually(() => late.count()).toBe(2);
    for (const row of await late.all()) expect(await row.textContent()).toContain('En retard');
    await expectAccessible(moe);
    // Rechercher, as the titulaire: « en retard seulement » and the déposant find both (échéances e1, e2 passed);
    // opened since the later deposit, only the second
    const titulaire = await portal().signIn(DEMO_LOGINS.titulaire);
    await titulaire.goto('/rechercher');
    // The DSFR draws the checkbox under its label: a user clicks the label
    await titulaire.locator('label[for="critere-retard"]').click();
    expect(await titulaire.getByLabel('En retard seulement').isChecked()).toBe(true);
    await titulaire.getByLabel('SIRET du déposant').fill(DEMO.sirets.mandataire);
    await titulaire.getByRole('button', { name: 'Rechercher', exact: true }).click();
    const found = titulaire.getByTestId('resultats').locator('tbody tr');
    await eventually(() => found.count()).toBe(2);
    for (const row of await found.all()) expect(await row.textContent()).toContain('en retard');
    await titulaire.getByLabel('Ouvert depuis le').fill(start2);
    await titulaire.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await eventually(() => found.count()).toBe(1);
    expect(await found.first().textContent()).toContain('A4 n° PDM-ECRAN-02');
  });
});
