import { type CalendarDate, calendarDate, startOfParisDay } from '../../../../shared/domain/calendar';
import {
  type Action,
  type Actor,
  type ActorOrSystem,
  type Dossier,
  type PieceInput,
  pendingActionOf,
  type TransitionResult,
  transition,
} from '../../../../shared/domain/circuits';
import { DomainError } from '../../../../shared/domain/errors';
import { type Marche, marcheSchema } from '../../../../shared/domain/marche';

/** Luhn-valid SIRETs (docs/rules/structures.md#siret) for the structures of the test marchés. */
export const SIRET = {
  mandataire: '10000000100014',
  cotraitant: '10000000200012',
  cotraitant2: '10000001200011',
  stMandataire: '10000000300010', // sous-traitant of the mandataire (one validation)
  stCotraitant: '10000000400018', // sous-traitant of the cotraitant (cotraitant, then mandataire)
  stSansPaiementDirect: '10000000500015',
  moe: '10000000600013',
  moa: '10000000700011',
  sf: '10000000800019',
  titulaire: '10000000900017',
  stTitulaire: '10000001000015',
  sfBis: '10000001100013',
  outsider: '99900000100019',
} as const;

const common = {
  objet: 'Réhabilitation du groupe scolaire',
  lots: ['Lot 1 gros œuvre'],
  montantInitialHtCents: 150_000_000,
  tauxTvaBp: [2000],
  retenueGarantieBp: 500,
  dgpJours: 30,
};

const publicSide = [
  { role: 'MOE', siret: SIRET.moe, raisonSociale: 'Atelier MOE' },
  { role: 'MOA', siret: SIRET.moa, raisonSociale: 'Commune de Test', codeService: 'MOA-1' },
  {
    role: 'SERVICE_FINANCIER',
    siret: SIRET.sf,
    raisonSociale: 'Service financier',
    codeService: 'SF-1',
    engagementJuridique: '1000000001',
  },
  // Another service of the buyer, to which a piece may be recycled
  { role: 'SERVICE_FINANCIER', siret: SIRET.sfBis, raisonSociale: 'Service financier bis', codeService: 'SF-9' },
] as const;

/** Titulaire alone; payment requests received by the MOE (Chorus Pro default); CCAG-T 2009 as amended in 2014. */
export const marcheSolo: Marche = marcheSchema.parse({
  ...common,
  id: 'M-SOLO',
  numeroMarche: '2025-001',
  ccagVersion: '2009',
  groupement: { mode: 'NONE' },
  delaiMoeJours: 7,
  receptionDemandesPaiement: 'MOE',
  acteurs: [
    { role: 'TITULAIRE', siret: SIRET.titulaire, raisonSociale: 'Bâtir SA' },
    {
      role: 'SOUS_TRAITANT',
      siret: SIRET.stTitulaire,
      raisonSociale: 'Électricité Sud',
      paiementDirect: true,
      montantSousTraiteTtcCents: 5_000_000,
      valideurSiret: SIRET.titulaire,
    },
    ...publicSide,
  ],
});

/** Same marché, payment requests received by the MOA (CCP R2192-12). */
export const marcheReceptionMoa: Marche = marcheSchema.parse({
  ...marcheSolo,
  id: 'M-MOA',
  receptionDemandesPaiement: 'MOA',
});

/** Groupement conjoint, CCAG-T 2021; cotraitants deposit their own pieces, validated by the mandataire. */
export const marcheGroupement: Marche = marcheSchema.parse({
  ...common,
  id: 'M-GRP',
  numeroMarche: '2025-002',
  ccagVersion: '2021',
  groupement: { mode: 'CONJOINT', cotraitantBilling: 'OWN_PIECES_WITH_MANDATAIRE_VALIDATION' },
  delaiMoeJours: 10,
  receptionDemandesPaiement: 'MOE',
  acteurs: [
    { role: 'MANDATAIRE', siret: SIRET.mandataire, raisonSociale: 'Mandataire BTP' },
    { role: 'COTRAITANT', siret: SIRET.cotraitant, raisonSociale: 'Cotraitant CVC', valideurSiret: SIRET.mandataire },
    { role: 'COTRAITANT', siret: SIRET.cotraitant2, raisonSociale: 'Cotraitant VRD', valideurSiret: SIRET.mandataire },
    {
      role: 'SOUS_TRAITANT',
      siret: SIRET.stMandataire,
      raisonSociale: 'Peinture Nord',
      paiementDirect: true,
      montantSousTraiteTtcCents: 2_000_000,
      valideurSiret: SIRET.mandataire,
    },
    {
      role: 'SOUS_TRAITANT',
      siret: SIRET.stCotraitant,
      raisonSociale: 'Plomberie Est',
      paiementDirect: true,
      montantSousTraiteTtcCents: 3_000_000,
      valideurSiret: SIRET.cotraitant,
      valideur2Siret: SIRET.mandataire,
    },
    {
      role: 'SOUS_TRAITANT',
      siret: SIRET.stSansPaiementDirect,
      raisonSociale: 'Nettoyage Ouest',
      paiementDirect: false,
      valideurSiret: SIRET.mandataire,
    },
    ...publicSide,
  ],
});

/** Same groupement, but the mandataire bills for the whole groupement. */
export const marcheGroupementGlobal: Marche = marcheSchema.parse({
  ...marcheGroupement,
  id: 'M-GRP-GLOBAL',
  groupement: { mode: 'SOLIDAIRE', cotraitantBilling: 'MANDATAIRE_GLOBAL' },
});

/** No maître d'œuvre on the marché (circuit SANS_MOE): payment requests are received by the MOA (CCP R2192-12). */
export const marcheSansMoe: Marche = marcheSchema.parse({
  ...marcheSolo,
  id: 'M-SANS-MOE',
  receptionDemandesPaiement: 'MOA',
  acteurs: marcheSolo.acteurs.filter((a) => a.role !== 'MOE'),
});

/** Same as marcheSolo; its buyer says « MOA présente : non » (circuit VALIDATION_DELEGUEE_MOE) in the tests. */
export const marcheDelegue: Marche = marcheSchema.parse({ ...marcheSolo, id: 'M-DELEGUE' });

export const actor = (siret: string, ...roles: Actor['roles'][number][]): Actor => ({ siret, roles });

export const A = {
  titulaire: actor(SIRET.titulaire, 'TITULAIRE'),
  mandataire: actor(SIRET.mandataire, 'MANDATAIRE'),
  cotraitant: actor(SIRET.cotraitant, 'COTRAITANT'),
  cotraitant2: actor(SIRET.cotraitant2, 'COTRAITANT'),
  stTitulaire: actor(SIRET.stTitulaire, 'SOUS_TRAITANT'),
  stMandataire: actor(SIRET.stMandataire, 'SOUS_TRAITANT'),
  stCotraitant: actor(SIRET.stCotraitant, 'SOUS_TRAITANT'),
  stSansPaiementDirect: actor(SIRET.stSansPaiementDirect, 'SOUS_TRAITANT'),
  moe: actor(SIRET.moe, 'MOE'),
  moa: actor(SIRET.moa, 'MOA'),
  sf: actor(SIRET.sf, 'SERVICE_FINANCIER'),
  sfBis: actor(SIRET.sfBis, 'SERVICE_FINANCIER'),
} as const;

/** An instant on a Paris calendar day, at a Paris wall-clock time. */
export function paris(date: string, time = '10:00'): Date {
  const [h, m] = time.split(':').map(Number);
  return new Date(startOfParisDay(calendarDate(date)).getTime() + (h! * 60 + m!) * 60_000);
}

export const d = (s: string): CalendarDate => calendarDate(s);

let pieceCounter = 0;
/** A fresh piece input (unique id and number). */
export function piece<T extends Partial<PieceInput>>(extra: T = {} as T): { id: string; numero: string } & T {
  pieceCounter += 1;
  return { id: `P${pieceCounter}`, numero: `N-${pieceCounter}`, ...extra };
}

export const montants = (htCents: number, tvaCents = Math.round(htCents / 5)) => ({
  htCents,
  tvaCents,
  ttcCents: htCents + tvaCents,
});

/**
 * A dossier's life, step by step. Every step also checks that the pending wait rebuilt from the stored dossier
 * (JSON round trip) equals the one the transition returned (docs/DESIGN.md#how-a-dossier-flows: resume from the database).
 */
export class Scenario {
  dossier: Dossier | undefined;
  last: TransitionResult | undefined;
  readonly history: TransitionResult[] = [];

  constructor(readonly marche: Marche) {}

  act(who: ActorOrSystem, action: Action, when: Date): TransitionResult {
    const result = transition(this.marche, this.dossier, who, action, when);
    const stored = JSON.parse(JSON.stringify(result.dossier)) as Dossier;
    const resumed = pendingActionOf(this.marche, stored);
    if (JSON.stringify(resumed) !== JSON.stringify(result.pending)) {
      throw new Error(`pending rebuilt from the stored dossier differs at ${result.dossier.state}`);
    }
    this.dossier = result.dossier;
    this.last = result;
    this.history.push(result);
    return result;
  }

  /** The system applies the expiry of the current wait at the instant its deadline passes. */
  expire(): TransitionResult {
    const at = this.last?.pending?.deadlineAt;
    if (!at) throw new Error('no deadline running');
    return this.act('SYSTEM', { type: 'DELAI_EXPIRE' }, new Date(at));
  }
}

/** Runs `fn` and returns the DomainError it throws (fails when it throws nothing or anything else). */
export function refusalOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw new Error(`expected a DomainError, got ${String(e)}`);
  }
  throw new Error('expected a refusal, the action was accepted');
}
