import { describe, expect, it } from 'vitest';
import type { ReceivedMail } from '../../../infra/local/mail/smtp';
import { DEMO } from '../../../shared/seed/demo';
import { FIXED_START } from '../../setup/platform';
import { at, dossierService, driver, montants, TEST_ECB_RATES, useWorkflowPlatform } from '../workflows/helpers';

/**
 * A monthly dossier through the embedded platform with its e-mails (issue 13): every mail of the happy path reaches
 * the local SMTP server once, in French, addressed to the users of the structures concerned, with the dossier's
 * link; a structure that is not concerned is never written to. Dates are 2030 (Paris: CET = UTC+1 until 31 March).
 */
// Absolute dates: the clock starts at a fixed instant, whatever the machine's date
const platform = useWorkflowPlatform({ notifications: { pollMs: 200 }, startAt: FIXED_START });
const ID = 'MENS-1';

const mails = (): readonly ReceivedMail[] => platform().notifications?.smtp.messages() ?? [];
/** "to: what" for each e-mail about the dossier, the dossier label cut off ("Action attendue — dossier MENS-1 …"). */
const digest = () =>
  mails()
    .filter((m) => m.subject.includes(`dossier ${ID} `))
    .map((m) => `${m.to.join(',')}: ${m.subject.replace('[Factures de travaux] ', '').split(' — ')[0]}`);

/** Whatever was to go out has gone: a tick, a few polls, the platform at rest. */
async function quiet(): Promise<void> {
  await platform().notifications?.tick();
  await new Promise((resolve) => setTimeout(resolve, 600));
  await platform().settle();
  await platform().notifications?.tick();
}

describe('a monthly dossier and its e-mails', () => {
  it('sends each e-mail of the circuit once, in French, to the right people', async () => {
    const p = platform();
    const d = driver(platform, ID, dossierService(TEST_ECB_RATES));

    // Monday 7 January 2030, 09:00 Paris: the titulaire (the demo's mandataire) deposits its PDM: the MOE must act
    await p.advanceClock(at('2030-01-07T08:00:00Z'));
    await d.open('mandataire', {
      type: 'DEPOSER',
      dossierId: ID,
      piece: { id: `${ID}-pdm`, numero: `${ID}-PDM`, cadre: 'A4', montants: montants(10_000_000) },
    });
    // The MOE's 7 days (CCAG-T 2021 art. 12.2.2) end Monday 14 January; reminder 3 days before, Friday 11 January
    // at 0 h Paris (10 January 23:00 UTC)
    await p.advanceClock(at('2030-01-11T08:00:00Z'));
    await quiet();
    // Friday 11 January 10:00: the MOE draws up the état d'acompte (A15): the MOA must act, until the DGP's échéance
    // (7 January + 30 days = Wednesday 6 February), reminded 3 days before: Sunday 3 February 0 h Paris
    await d.decide('moe', {
      type: 'DEPOSER_ETAT_ACOMPTE',
      piece: { id: `${ID}-a15`, numero: `${ID}-A15`, montants: montants(10_000_000) },
    });
    await p.advanceClock(at('2030-02-03T08:00:00Z'));
    await quiet();
    // Friday 8 February: the échéance has passed (end of 6 February): the DGP is exceeded, interest accrues
    await p.advanceClock(at('2030-02-08T08:00:00Z'));
    await quiet();
    // The MOA validates (A19): the service financier must act; then service fait, mandatement, mise en paiement
    await d.decide('moa', {
      type: 'VALIDER_ETAT_ACOMPTE',
      piece: { id: `${ID}-a19`, numero: `${ID}-A19`, montants: montants(10_000_000) },
    });
    await p.advanceClock(at('2030-02-11T09:00:00Z'));
    await d.decide('serviceFinancier', { type: 'SERVICE_FAIT' });
    await p.advanceClock(at('2030-02-12T09:00:00Z'));
    await d.decide('serviceFinancier', { type: 'MANDATER' });
    await p.advanceClock(at('2030-02-13T09:00:00Z'));
    const r = await d.decide('serviceFinancier', { type: 'METTRE_EN_PAIEMENT' });
    expect(r).toMatchObject({ open: false, status: 'MISE_EN_PAIEMENT' });
    await quiet();

    const moe = 'moe@demo.test';
    const moa = 'moa@demo.test';
    const consultation = 'consultation@demo.test'; // the commune's reader: told, never asked to act
    const titulaire = 'titulaire@demo.test';
    const financier = 'financier@demo.test';
    expect([...digest()].sort()).toEqual(
      [
        `${moe}: Action attendue`,
        `${moe}: Rappel : échéance le 14/01/2030`,
        `${moa}: Action attendue`,
        `${consultation}: Pour information`, // the MOA's « Action attendue », to its reader
        `${moa}: Rappel : échéance le 06/02/2030`,
        `${consultation}: Rappel : échéance le 06/02/2030`,
        `${moa}: Délai global de paiement dépassé`,
        `${consultation}: Délai global de paiement dépassé`,
        `${financier}: Délai global de paiement dépassé`,
        `${titulaire}: Délai global de paiement dépassé`,
        `${financier}: Action attendue`,
        // The service financier's steps: to the company paid (the titulaire) and to the depositor of the piece it
        // handles, the A19 the MOA validated (its reader told with it)
        ...[titulaire, moa, consultation].flatMap((to) => [
          `${to}: Service fait`,
          `${to}: Pièce mandatée`,
          `${to}: Mise en paiement`,
        ]),
      ].sort(),
    );
    // Each once (one message id each), in French, with the dossier's link in the portal
    const ofDossier = mails().filter((m) => m.subject.includes(`dossier ${ID} `));
    expect(new Set(ofDossier.map((m) => m.messageId)).size).toBe(ofDossier.length);
    for (const m of ofDossier) {
      expect(m.subject.startsWith('[Factures de travaux] ')).toBe(true);
      expect(m.text).toContain(`http://localhost:${p.port}/dossiers/${ID}`);
    }
    // The commune's reader is told, not asked: its copy of the MOA's « Action attendue » is « Pour information » and
    // says it has nothing to do; the MOA's does not
    const notAsked = "vous n'avez pas à agir";
    const mailTo = (to: string, subject: string) =>
      ofDossier.find((m) => m.to.includes(to) && m.subject.includes(subject));
    expect(mailTo(consultation, 'Pour information')?.text).toContain(notAsked);
    expect(mailTo(consultation, 'Pour information')?.html).toContain(notAsked);
    expect(mailTo(moa, 'Action attendue')?.text).not.toContain(notAsked);
    // The cotraitant and the sous-traitant are not concerned by the mandataire's dossier: never written to
    const others = [DEMO.users.cotraitant.login, DEMO.users.sousTraitant.login];
    expect(ofDossier.filter((m) => m.to.some((to) => others.includes(to as never)))).toEqual([]);
  }, 180_000);

  it('tells the sous-traitant, in French, that the titulaire’s silence accepted its payment request', async () => {
    const p = platform();
    const ST = 'MENS-ST';
    const d = driver(platform, ST, dossierService(TEST_ECB_RATES));
    const about = () =>
      mails()
        .filter((m) => m.subject.includes(`dossier ${ST} `))
        .map((m) => `${m.to.join(',')}: ${m.subject.replace('[Factures de travaux] ', '').split(' — ')[0]}`);

    // Monday 4 March 2030, 09:00 Paris: the sous-traitant (paiement direct) deposits its A10; the titulaire (the
    // demo's mandataire) has 15 days to accept or refuse it: last day Tuesday 19 March (4 + 15)
    await p.advanceClock(at('2030-03-04T08:00:00Z'));
    await d.open('sousTraitant', {
      type: 'DEPOSER',
      dossierId: ST,
      piece: { id: `${ST}-a10`, numero: `${ST}-A10`, cadre: 'A10', montants: montants(2_000_000) },
    });
    // Wednesday 20 March, 09:00 Paris: the 15 days ended at midnight; silence is acceptance, the MOE must now act
    await p.advanceClock(at('2030-03-20T08:00:00Z'));
    await quiet();

    const sousTraitant = DEMO.users.sousTraitant.login;
    const titulaire = 'titulaire@demo.test';
    expect([...about()].sort()).toEqual(
      [
        `${titulaire}: Action attendue`, // asked to validate
        `${titulaire}: Rappel : échéance le 19/03/2030`, // 3 days before: 0 h Paris on Saturday 16 March
        `${sousTraitant}: Délai expiré`, // the depositor, told of its tacit acceptance
        `${titulaire}: Délai expiré`, // the silent titulaire, told too
        'moe@demo.test: Action attendue', // the piece has reached the MOE
      ].sort(),
    );
    const [tacit] = mails().filter((m) => m.to.includes(sousTraitant) && m.subject.includes(`dossier ${ST} `));
    expect(tacit?.subject).toBe(`[Factures de travaux] Délai expiré — dossier ${ST} (pièce n° ${ST}-A10)`);
    // What silence did, in French, in both parts, with the link to the dossier
    for (const body of [tacit?.text, tacit?.html]) {
      expect(body).toMatch(/est expiré sans réponse/);
      expect(body).toMatch(/accept/i);
      expect(body).toContain(`http://localhost:${p.port}/dossiers/${ST}`);
    }
  }, 120_000);
});
