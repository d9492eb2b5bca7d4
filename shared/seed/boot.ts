import type { DocumentClient } from '../adapters/dynamo/client';
import { EcbRateStore } from '../adapters/dynamo/ecb-rate-store';
import { IdentityStore } from '../adapters/dynamo/identity-store';
import { MarcheStore } from '../adapters/dynamo/marche-store';
import { OperatorStore } from '../adapters/dynamo/operator-store';
import { DEMO, type DemoUserKey, seedDemo } from './demo';
import { seedEcbRates } from './ecb-rates';

/**
 * What `npm start` does once the platform is up: seeds the demo marché (idempotent: a restart on kept data changes
 * nothing) and tells how to sign in. Knows nothing of the platform: it gets a DynamoDB document client, the table
 * and the time.
 *
 * Wiring (infra/local/main.ts, after `startPlatform` resolved):
 *   const seed = await seedOnBoot({ client: platform.clients.document, tableName: platform.tableName,
 *     now: platform.clock.now(), baseUrl: `http://localhost:${platform.port}` });
 *   console.log(seed.banner);
 * `LOCAL_SEED=0` skips it (`enabled: process.env.LOCAL_SEED !== '0'`).
 */
export interface SeedOnBootDeps {
  readonly client: DocumentClient;
  readonly tableName: string;
  readonly now: Date;
  /** Where the gateway answers, for the sign-in instructions (default http://localhost:3000). */
  readonly baseUrl?: string;
  /** Default true. */
  readonly enabled?: boolean;
}

export interface SeedOnBootResult {
  /** What this boot created (empty when everything was already there, or when disabled). */
  readonly created: readonly string[];
  /** French text for the console: what was seeded and how to sign in. */
  readonly banner: string;
}

const DEFAULT_BASE = 'http://localhost:3000';

const WHO: Readonly<Record<DemoUserKey, string>> = {
  moa: "maître d'ouvrage (commune)",
  moe: "maître d'œuvre",
  mandataire: 'titulaire, mandataire du groupement',
  cotraitant: 'cotraitant',
  sousTraitant: 'sous-traitant en paiement direct',
  serviceFinancier: 'service financier',
  consultation: 'lecture seule (commune)',
  pending: 'rattachement en attente : refusé partout',
  exploitant: 'opérateur de la plateforme (taux de la BCE)',
};

/** The demo accounts and who each one is, for the local sign-in page of the portal. */
export function demoAccounts(): { adresse: string; description: string }[] {
  return Object.entries(DEMO.users).map(([key, u]) => ({ adresse: u.login, description: WHO[key as DemoUserKey] }));
}

export async function seedOnBoot(deps: SeedOnBootDeps): Promise<SeedOnBootResult> {
  const base = deps.baseUrl ?? DEFAULT_BASE;
  if (deps.enabled === false) {
    return { created: [], banner: 'Données de démonstration : non chargées (LOCAL_SEED=0).' };
  }
  const { created } = await seedDemo(
    {
      identity: new IdentityStore(deps.client, deps.tableName),
      marches: new MarcheStore(deps.client, deps.tableName),
    },
    deps.now,
  );
  const rates = await seedEcbRates(new EcbRateStore(deps.client, deps.tableName), deps.now);
  const operator = DEMO.users.exploitant;
  if (
    (await new OperatorStore(deps.client, deps.tableName).grant({
      userId: operator.id,
      loginAddress: operator.login,
      grantedAt: deps.now.toISOString(),
      grantedBy: 'AMORCE',
    })) === 'ACCORDE'
  ) {
    created.push(`opérateur de la plateforme ${operator.login}`);
  }
  const width = Math.max(...Object.values(DEMO.users).map((u) => u.login.length));
  const lines = [
    `Démonstration : marché ${DEMO.numeroMarche} (id ${DEMO.marcheId}) ${created.length > 0 ? `chargé (${created.length} éléments créés)` : 'déjà présent'}.`,
    '  Se connecter (jeton valable 12 h d’horloge locale) :',
    `    curl -s -X POST ${base}/_local/login -H 'content-type: application/json' -d '{"loginAddress":"titulaire@demo.test"}'`,
    '    puis l’en-tête  Authorization: Bearer <token>',
    '  Comptes :',
    ...Object.entries(DEMO.users).map(([key, u]) => `    ${u.login.padEnd(width)}  ${WHO[key as DemoUserKey]}`),
    `  Parcours complet par l’API : ${base === DEFAULT_BASE ? '' : `DEMO_URL=${base} `}npm run demo`,
    `Taux de la BCE : ${rates.enregistres.length > 0 ? `${rates.enregistres.length} semestres amorcés` : 'table déjà amorcée'} ; relevé : npm run taux-bce -- relever (ou importer FICHIER.csv).`,
  ];
  return { created, banner: lines.join('\n') };
}
