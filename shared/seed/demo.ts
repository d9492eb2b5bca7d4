import type { IdentityStore } from '../adapters/dynamo/identity-store';
import type { MarcheStore } from '../adapters/dynamo/marche-store';
import type { Space, SpaceMode } from '../domain/roles';
import type { CreateStructureInput } from '../domain/structures';
import { IdentityService } from '../services/identity-service';
import { MarcheService } from '../services/marche-service';

/**
 * The demo data set: one works marché with every role of docs/rules/actors.md, one user per structure, plus a user whose
 * attachment waits for a decision and a read-only (CONSULTATION) user. `seedDemo` is idempotent: each step checks
 * first and writes through the same services (and their conditional writes) as the API, so a second run, or a run
 * racing another, changes nothing.
 *
 * SIRETs: the four real, valid examples of docs/rules/structures.md#siret, and two made valid by their Luhn key (13 chosen digits +
 * the key digit that makes the Luhn sum a multiple of 10): 8140120250001 + 5 → 81401202500015 (cotraitant) and
 * 4921234560001 + 3 → 49212345600013 (sous-traitant). The service financier is its own public structure
 * (21750001608202) rather than the commune itself, so that each actor of the circuit is a distinct login.
 */
export const DEMO = {
  marcheId: '01JZ0DEM0MARCHE00000000001',
  numeroMarche: '2025-DEMO-002',
  sirets: {
    moa: '21300202500012',
    moe: '83876704400012',
    mandataire: '53819959700013',
    cotraitant: '81401202500015',
    sousTraitant: '49212345600013',
    serviceFinancier: '21750001608202',
  },
  users: {
    moa: { id: '01JZ0DEM000000000000000001', login: 'moa@demo.test' },
    moe: { id: '01JZ0DEM000000000000000002', login: 'moe@demo.test' },
    mandataire: { id: '01JZ0DEM000000000000000003', login: 'titulaire@demo.test' },
    cotraitant: { id: '01JZ0DEM000000000000000004', login: 'cotraitant@demo.test' },
    sousTraitant: { id: '01JZ0DEM000000000000000005', login: 'soustraitant@demo.test' },
    serviceFinancier: { id: '01JZ0DEM000000000000000006', login: 'financier@demo.test' },
    /** Approved at the commune (MOA), « Factures de travaux » in CONSULTATION only. */
    consultation: { id: '01JZ0DEM000000000000000007', login: 'consultation@demo.test' },
    /** Asked to join the mandataire; nobody has decided yet. */
    pending: { id: '01JZ0DEM000000000000000008', login: 'attente@demo.test' },
    /** Platform operator (records the ECB rates); attached to no structure. */
    exploitant: { id: '01JZ0DEM000000000000000009', login: 'exploitant@demo.test' },
  },
  codeService: 'SERV-TRAVAUX',
  engagementJuridique: 'EJ-2025-000142',
} as const;

export type DemoUserKey = keyof typeof DEMO.users;

const BOTH: Space[] = ['FACTURES_TRAVAUX', 'FACTURES_A_VALIDER'];
const WORKS: Space[] = ['FACTURES_TRAVAUX'];

/** Each structure with the user who creates it (its gestionnaire principal). */
const STRUCTURES: readonly { readonly gp: DemoUserKey; readonly input: CreateStructureInput }[] = [
  {
    gp: 'moa',
    input: {
      siret: DEMO.sirets.moa,
      raisonSociale: 'Commune de Bellerive (démo)',
      type: 'PUBLIC',
      services: [{ code: DEMO.codeService, libelle: 'Direction des travaux et du patrimoine', active: true }],
      directory: {
        codeServiceObligatoire: true,
        engagementObligatoire: true,
        moaPresente: true,
        statutMiseEnPaiementRemonte: true,
      },
      spaces: WORKS,
    },
  },
  {
    gp: 'moe',
    input: { siret: DEMO.sirets.moe, raisonSociale: 'Atelier Archi Démo', type: 'PRIVE', spaces: WORKS },
  },
  {
    gp: 'mandataire',
    input: { siret: DEMO.sirets.mandataire, raisonSociale: 'Bâtiment Démo SAS', type: 'PRIVE', spaces: BOTH },
  },
  {
    gp: 'cotraitant',
    input: { siret: DEMO.sirets.cotraitant, raisonSociale: 'Charpentes Démo SARL', type: 'PRIVE', spaces: WORKS },
  },
  {
    gp: 'sousTraitant',
    input: { siret: DEMO.sirets.sousTraitant, raisonSociale: 'Électricité Démo', type: 'PRIVE', spaces: WORKS },
  },
  {
    gp: 'serviceFinancier',
    input: {
      siret: DEMO.sirets.serviceFinancier,
      raisonSociale: 'Service de gestion comptable (démo)',
      type: 'PUBLIC',
      directory: { statutMiseEnPaiementRemonte: true },
      spaces: WORKS,
    },
  },
];

/** The fiche d'identité of the demo marché (docs/rules/marche.md). */
export function demoMarche(): Record<string, unknown> & { id: string } {
  const s = DEMO.sirets;
  return {
    id: DEMO.marcheId,
    numeroMarche: DEMO.numeroMarche,
    objet: "Réhabilitation de l'école Jules Ferry — lot 2 gros œuvre",
    lots: ['Lot 2 — Gros œuvre'],
    ccagVersion: '2021',
    acteurs: [
      {
        role: 'MOA',
        siret: s.moa,
        raisonSociale: 'Commune de Bellerive (démo)',
        codeService: DEMO.codeService,
        engagementJuridique: DEMO.engagementJuridique,
      },
      { role: 'MOE', siret: s.moe, raisonSociale: 'Atelier Archi Démo' },
      { role: 'MANDATAIRE', siret: s.mandataire, raisonSociale: 'Bâtiment Démo SAS' },
      { role: 'COTRAITANT', siret: s.cotraitant, raisonSociale: 'Charpentes Démo SARL', valideurSiret: s.mandataire },
      {
        role: 'SOUS_TRAITANT',
        siret: s.sousTraitant,
        raisonSociale: 'Électricité Démo',
        paiementDirect: true,
        // CCP R2193-10: paiement direct from 600 € TTC; 54 000,00 € TTC accepted
        montantSousTraiteTtcCents: 5_400_000,
        valideurSiret: s.mandataire,
      },
      { role: 'SERVICE_FINANCIER', siret: s.serviceFinancier, raisonSociale: 'Service de gestion comptable (démo)' },
    ],
    groupement: { mode: 'CONJOINT', cotraitantBilling: 'OWN_PIECES_WITH_MANDATAIRE_VALIDATION' },
    montantInitialHtCents: 68_450_000,
    tauxTvaBp: [2000],
    retenueGarantieBp: 500,
    dgpJours: 30,
    delaiMoeJours: 7,
    receptionDemandesPaiement: 'MOE',
    dateNotification: '2025-01-15',
    typeAcheteur: 'ETAT_COLLECTIVITE',
  };
}

export interface DemoStores {
  readonly identity: IdentityStore;
  readonly marches: MarcheStore;
}

/** Seeds the demo; returns what it created (empty when everything was already there). */
export async function seedDemo(stores: DemoStores, now: Date): Promise<{ created: string[] }> {
  const identity = new IdentityService(stores.identity);
  const marches = new MarcheService(stores.marches, stores.identity);
  const created: string[] = [];

  for (const [key, u] of Object.entries(DEMO.users)) {
    if (await stores.identity.getUser(u.id)) continue;
    await identity.registerUser({ id: u.id, loginAddress: u.login }, now);
    created.push(`utilisateur ${key} (${u.login})`);
  }
  for (const { gp, input } of STRUCTURES) {
    if (await stores.identity.getStructure(input.siret)) continue;
    await identity.createStructure({ userId: DEMO.users[gp].id, structure: input }, now);
    created.push(`structure ${input.siret} (${input.raisonSociale})`);
  }

  // Read-only user of the commune: requested, approved by the GP, CONSULTATION in « Factures de travaux »
  const consultation = await ensureRequest(identity, DEMO.users.consultation.id, DEMO.sirets.moa, 'CONSULTATION', now);
  if (consultation.status === 'PENDING') {
    await identity.memberships.decideAttachment(
      {
        deciderId: DEMO.users.moa.id,
        siret: DEMO.sirets.moa,
        userId: DEMO.users.consultation.id,
        decision: 'APPROVED',
      },
      now,
    );
    created.push(`rattachement consultation@ → ${DEMO.sirets.moa}`);
  }
  // Waiting user: asked to join the mandataire, left PENDING on purpose
  const pendingBefore = await stores.identity.getMembership(DEMO.sirets.mandataire, DEMO.users.pending.id);
  if (!pendingBefore) {
    await ensureRequest(identity, DEMO.users.pending.id, DEMO.sirets.mandataire, 'MODIFICATION', now);
    created.push(`demande de rattachement attente@ → ${DEMO.sirets.mandataire}`);
  }

  if (!(await stores.marches.get(DEMO.marcheId))) {
    await marches.createMarche({ userId: DEMO.users.moa.id, marche: demoMarche() }, now);
    created.push(`marché ${DEMO.numeroMarche}`);
  }
  return { created };
}

async function ensureRequest(identity: IdentityService, userId: string, siret: string, mode: SpaceMode, now: Date) {
  const existing = await identity.store.getMembership(siret, userId);
  if (existing) return existing;
  return identity.memberships.requestAttachment({ userId, siret, spaces: [{ space: 'FACTURES_TRAVAUX', mode }] }, now);
}
