import type { components } from '../api/openapi.gen';

/**
 * The fiche d'identité as the form holds it (what the user typed, as text) and its conversion to and from the API's
 * wire form. Only notation is converted here (French decimal comma, spaces, « % »); every rule (SIRET keys, DGP
 * maximum, retenue ≤ 5 %, one MOA…) is checked by the API, whose messages are shown next to their fields.
 */

export type Marche = components['schemas']['Marche'];
export type FicheMarche = components['schemas']['FicheMarche'];
export type RoleMarche = components['schemas']['RoleMarche'];
export type TypeAcheteur = Marche['typeAcheteur'];
export type ModeGroupement = FicheMarche['groupement']['mode'];
export type FacturationCotraitants = NonNullable<FicheMarche['groupement']['facturationCotraitants']>;

export interface ActeurForm {
  /** A key for React only, never sent. */
  readonly key: string;
  readonly role: RoleMarche;
  readonly siret: string;
  readonly raisonSociale: string;
  readonly codeService: string;
  readonly engagementJuridique: string;
  readonly valideurSiret: string;
  readonly valideur2Siret: string;
  readonly paiementDirect: boolean;
  readonly montantSousTraiteTtc: string;
}

export interface FicheForm {
  readonly numeroMarche: string;
  readonly objet: string;
  /** One lot per line. */
  readonly lots: string;
  readonly ccagVersion: FicheMarche['ccagVersion'];
  readonly typeAcheteur: TypeAcheteur;
  readonly montantInitialHt: string;
  /** Rates separated by « ; » (the comma is the decimal separator). */
  readonly tauxTva: string;
  readonly retenueGarantie: string;
  readonly avanceTaux: string;
  readonly dgpJours: string;
  readonly delaiMoeJours: string;
  /** Days before a deadline the reminder goes out (1 to 15, 3 by default). */
  readonly rappelJoursAvant: string;
  readonly receptionDemandesPaiement: 'MOE' | 'MOA';
  readonly dateNotification: string;
  readonly groupementMode: ModeGroupement;
  readonly facturationCotraitants: FacturationCotraitants;
  readonly acteurs: readonly ActeurForm[];
}

export const ROLE_OPTIONS: readonly (readonly [RoleMarche, string])[] = [
  ['MOA', 'Maître d’ouvrage'],
  ['MOE', 'Maître d’œuvre'],
  ['SERVICE_FINANCIER', 'Service financier'],
  ['TITULAIRE', 'Titulaire'],
  ['MANDATAIRE', 'Mandataire du groupement'],
  ['COTRAITANT', 'Cotraitant'],
  ['SOUS_TRAITANT', 'Sous-traitant'],
];

export const TYPE_ACHETEUR_OPTIONS: readonly (readonly [TypeAcheteur, string])[] = [
  ['ETAT_COLLECTIVITE', 'État ou collectivité territoriale (30 jours au plus)'],
  ['ETABLISSEMENT_SANTE', 'Établissement public de santé (50 jours au plus)'],
  ['ENTREPRISE_PUBLIQUE', 'Entreprise publique (60 jours au plus)'],
];

let keys = 0;
const nextKey = () => `acteur-${++keys}`;

export function emptyActeur(role: RoleMarche, siret = '', raisonSociale = ''): ActeurForm {
  return {
    key: nextKey(),
    role,
    siret,
    raisonSociale,
    codeService: '',
    engagementJuridique: '',
    valideurSiret: '',
    valideur2Siret: '',
    paiementDirect: false,
    montantSousTraiteTtc: '',
  };
}

/** A new fiche: the MOA is the structure creating it; the other acteurs are added by the user. */
export function newFiche(moa: { siret: string; raisonSociale: string }): FicheForm {
  return {
    numeroMarche: '',
    objet: '',
    lots: '',
    ccagVersion: '2021',
    typeAcheteur: 'ETAT_COLLECTIVITE',
    montantInitialHt: '',
    tauxTva: '20',
    retenueGarantie: '5',
    avanceTaux: '',
    dgpJours: '30',
    delaiMoeJours: '7',
    rappelJoursAvant: '3',
    receptionDemandesPaiement: 'MOE',
    dateNotification: '',
    groupementMode: 'NONE',
    facturationCotraitants: 'PIECES_PROPRES_VALIDEES_PAR_MANDATAIRE',
    acteurs: [emptyActeur('MOA', moa.siret, moa.raisonSociale), emptyActeur('MOE'), emptyActeur('TITULAIRE')],
  };
}

/** "684500.00" → "684500,00", "5.50" → "5,50": the API's decimals as a French reader types them. */
const frenchDecimal = (value: string | undefined): string => (value ? value.replace('.', ',') : '');

/** The stored fiche, for an avenant. */
export function ficheOf(m: Marche): FicheForm {
  return {
    numeroMarche: m.numeroMarche,
    objet: m.objet,
    lots: m.lots.join('\n'),
    ccagVersion: m.ccagVersion,
    typeAcheteur: m.typeAcheteur,
    montantInitialHt: frenchDecimal(m.montantInitialHt),
    tauxTva: m.tauxTva.map(frenchDecimal).join(' ; '),
    retenueGarantie: frenchDecimal(m.retenueGarantie),
    avanceTaux: frenchDecimal(m.avance?.taux),
    dgpJours: String(m.dgpJours),
    delaiMoeJours: String(m.delaiMoeJours),
    rappelJoursAvant: String(m.rappelJoursAvant),
    receptionDemandesPaiement: m.receptionDemandesPaiement,
    dateNotification: m.dateNotification ?? '',
    groupementMode: m.groupement.mode,
    facturationCotraitants: m.groupement.facturationCotraitants,
    acteurs: m.acteurs.map((a) => ({
      ...emptyActeur(a.role, a.siret, a.raisonSociale),
      codeService: a.codeService ?? '',
      engagementJuridique: a.engagementJuridique ?? '',
      valideurSiret: a.valideurSiret ?? '',
      valideur2Siret: a.valideur2Siret ?? '',
      paiementDirect: a.paiementDirect ?? false,
      montantSousTraiteTtc: frenchDecimal(a.montantSousTraiteTtc),
    })),
  };
}

/** "684 500,00 €" → "684500.00", "5,5 %" → "5.5": spaces, the euro and percent signs dropped, comma → point. */
export function decimalOf(typed: string): string {
  return typed.replace(/[\s\u00a0\u202f€%]/g, '').replace(',', '.');
}

const SIRET_NOTATION = /[\s\u00a0\u202f]/g;
const text = (typed: string): string | undefined => (typed.trim() ? typed.trim() : undefined);
/** A whole number as typed; anything else is sent as is for the API to refuse with its message. */
const integer = (typed: string): number => (/^\s*\d+\s*$/.test(typed) ? Number(typed) : Number.NaN);

/** The request body of POST /v1/marches and PUT /v1/marches/{id}. */
export function bodyOf(f: FicheForm): FicheMarche {
  const lots = f.lots
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const delaiMoe = text(f.delaiMoeJours);
  const avance = text(f.avanceTaux);
  const date = text(f.dateNotification);
  return {
    numeroMarche: f.numeroMarche.trim(),
    objet: f.objet.trim(),
    ...(lots.length ? { lots } : {}),
    ccagVersion: f.ccagVersion,
    typeAcheteur: f.typeAcheteur,
    montantInitialHt: decimalOf(f.montantInitialHt),
    tauxTva: f.tauxTva
      .split(';')
      .map(decimalOf)
      .filter((t) => t !== ''),
    retenueGarantie: decimalOf(f.retenueGarantie),
    ...(avance ? { avance: { taux: decimalOf(avance) } } : {}),
    dgpJours: integer(f.dgpJours),
    ...(delaiMoe ? { delaiMoeJours: integer(delaiMoe) } : {}),
    ...(f.rappelJoursAvant.trim() ? { rappelJoursAvant: integer(f.rappelJoursAvant.trim()) } : {}),
    receptionDemandesPaiement: f.receptionDemandesPaiement,
    ...(date ? { dateNotification: date } : {}),
    groupement: {
      mode: f.groupementMode,
      ...(f.groupementMode !== 'NONE' ? { facturationCotraitants: f.facturationCotraitants } : {}),
    },
    acteurs: f.acteurs.map((a) => {
      const valideur = a.valideurSiret.replace(SIRET_NOTATION, '');
      const valideur2 = a.valideur2Siret.replace(SIRET_NOTATION, '');
      const sousTraitant = a.role === 'SOUS_TRAITANT';
      return {
        role: a.role,
        siret: a.siret.replace(SIRET_NOTATION, ''),
        raisonSociale: a.raisonSociale.trim(),
        ...(text(a.codeService) ? { codeService: a.codeService.trim() } : {}),
        ...(text(a.engagementJuridique) ? { engagementJuridique: a.engagementJuridique.trim() } : {}),
        ...(valideur ? { valideurSiret: valideur } : {}),
        ...(valideur2 ? { valideur2Siret: valideur2 } : {}),
        ...(sousTraitant ? { paiementDirect: a.paiementDirect } : {}),
        ...(sousTraitant && text(a.montantSousTraiteTtc)
          ? { montantSousTraiteTtc: decimalOf(a.montantSousTraiteTtc) }
          : {}),
      };
    }),
  };
}
