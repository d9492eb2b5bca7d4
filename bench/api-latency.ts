/**
 * Latency of the dossier API, end to end over HTTP on the embedded platform (in memory), per action, and the
 * DynamoDB round trips each one makes. Run: `npx tsx bench/api-latency.ts` (or `npm run bench -- api-latency`);
 * BENCH_N repetitions (default 30), BENCH_N_NOWF passes without the workflow (default 10); BENCH_NO_SIRET=1: the
 * requests name no structure (no X-Structure-Siret), as an API client of a single structure may. Prints figures only.
 *
 * Each repetition takes one sous-traitant dossier along its circuit: deposit (A9 « Valider et envoyer »),
 * titulaire's validation, MOE's état d'acompte (A15), MOA's validation (A19), service fait, then reads (dossier,
 * DGP clock, audit trail, synthèse). Pieces' PDFs are uploaded and verified between the measured steps, and the
 * platform is left to settle (workflow tasks, S3 notifications) before each one, so that steps do not overlap.
 *
 * Round trips: an interceptor on the process-wide DynamoDB client (shared/adapters/dynamo/client.ts, the one every
 * handler uses) counts each attempt sent. « API » counts one more pass with the dossier workflow replaced by a no-op
 * (only what the request itself does); « + circuit » is what the Step Functions tasks add after it (first pass,
 * counted until the platform settled). A raw GetItem round trip to DynamoDB Local is measured in the same run.
 * The target's ratio divides a step's p50 by the sum of its exchanges on the wire (`DocumentClient.onExchange`:
 * request sent, answer read; the client's marshalling, signing and parsing excluded; before, with the SDK, the
 * middleware stood at its deserialize step, after signing, parsing included), the client-level sum printed beside it.
 */
import { loadavg } from 'node:os';
import { startPlatform } from '../infra/local/platform';
import { dynamoClient } from '../shared/adapters/dynamo/client';
import { GetCommand } from '../shared/adapters/dynamo/document-client';
import { keys } from '../shared/adapters/dynamo/keys';
import { seedOnBoot } from '../shared/seed/boot';
import { DEMO } from '../shared/seed/demo';
import { contextOverrides, overrideContext } from '../shared/services/context';
import {
  defaultPdfLines,
  type Json,
  type PieceSpec,
  postForm,
  type Session,
  sha256Hex,
  signInAs,
  textPdf,
} from '../test/integration/api/dossiers/client';

const N = Number(process.env.BENCH_N ?? 30);
const COUNT_PASSES = Number(process.env.BENCH_N_NOWF ?? 10);
const RAW_GETS = 300;
/** Whether each user names the structure it acts for (X-Structure-Siret), as the portal does on every request. */
const NAMED = process.env.BENCH_NO_SIRET !== '1';

// ------------------------------------------------------------------------------------------------ measurements

const samples = new Map<string, number[]>();
/** Latencies of the passes without the workflow (no Step Functions call in the request). */
const bare = new Map<string, number[]>();
const apiTrips = new Map<string, { total: number; byCommand: Record<string, number> }>();
const fullTrips = new Map<string, number>();
const order: string[] = [];

let commands: string[] = [];
/** Wall time of each round trip of `commands`, in order (overlapping ones, e.g. in Promise.all, each count whole). */
let commandMs: number[] = [];
/** Every round trip's wall time by command, over the whole run (what each kind costs on DynamoDB Local). */
const byCommandMs = new Map<string, number[]>();
/** Per step: the sum of its round trips' wall times, per sample of the latency passes. */
const inDynamo = new Map<string, number[]>();
/** Each exchange on the wire (request sent, answer read; signing and parsing excluded), in order. */
let wireMs: number[] = [];
/** Per step: the sum of its exchanges on the wire, per sample of the latency passes. */
const onWire = new Map<string, number[]>();

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

function tally(list: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of list) out[c] = (out[c] ?? 0) + 1;
  return out;
}

interface Phase {
  readonly counting: 'latency' | 'api';
}

async function measure<T>(
  phase: Phase,
  name: string,
  settle: () => Promise<void>,
  work: () => Promise<{ status: number; body?: Json } & T>,
  expected: number,
): Promise<T & { status: number; body?: Json }> {
  if (!order.includes(name)) order.push(name);
  await settle();
  commands = [];
  commandMs = [];
  wireMs = [];
  const t0 = performance.now();
  const res = await work();
  const ms = performance.now() - t0;
  if (res.status !== expected) throw new Error(`${name} : HTTP ${res.status} ${JSON.stringify(res.body)}`);
  const during = commands.length;
  const wireDuring = wireMs.length;
  if (phase.counting === 'latency') {
    (samples.get(name) ?? samples.set(name, []).get(name)!).push(ms);
    const dynamoMs = commandMs.slice(0, during).reduce((a, b) => a + b, 0);
    (inDynamo.get(name) ?? inDynamo.set(name, []).get(name)!).push(dynamoMs);
    const wire = wireMs.slice(0, wireDuring).reduce((a, b) => a + b, 0);
    (onWire.get(name) ?? onWire.set(name, []).get(name)!).push(wire);
    await settle();
    fullTrips.set(name, Math.max(fullTrips.get(name) ?? 0, commands.length));
  } else {
    apiTrips.set(name, { total: during, byCommand: tally(commands) });
    (bare.get(name) ?? bare.set(name, []).get(name)!).push(ms);
  }
  return res;
}

// ------------------------------------------------------------------------------------------------ the circuit

interface Actors {
  st: Session;
  tit: Session;
  moe: Session;
  moa: Session;
  sf: Session;
}

async function draftAndUpload(
  s: Session,
  path: string,
  spec: PieceSpec,
  settle: () => Promise<void>,
): Promise<{ dossierId: string; pieceId: string }> {
  const created = await s.post(path, { cadre: spec.cadre, numero: spec.numero, montants: spec.montants });
  if (created.status !== 201) throw new Error(`brouillon : ${created.status} ${JSON.stringify(created.body)}`);
  const { dossierId, id: pieceId } = created.body;
  const pdf = await textPdf(defaultPdfLines(spec));
  const form = await s.post(`/v1/dossiers/${dossierId}/pieces/${pieceId}/fichiers`, {
    nom: `${spec.numero}.pdf`,
    taille: pdf.length,
    type: 'application/pdf',
    role: 'PRINCIPAL',
    sha256: sha256Hex(pdf),
  });
  if (form.status !== 201) throw new Error(`formulaire : ${form.status} ${JSON.stringify(form.body)}`);
  const posted = await postForm(form.body, pdf, `${spec.numero}.pdf`);
  if (posted >= 300) throw new Error(`dépôt S3 : ${posted}`);
  await settle();
  return { dossierId, pieceId };
}

async function circuit(phase: Phase, i: number, as: Actors, settle: () => Promise<void>): Promise<void> {
  const tag = `${phase.counting === 'api' ? 'C' : 'L'}${i}-${Date.now().toString(36).slice(-4).toUpperCase()}`;
  const montants = { ht: '1000.00', tva: '200.00', ttc: '1200.00' };
  const a9 = await draftAndUpload(
    as.st,
    `/v1/marches/${DEMO.marcheId}/pieces`,
    { cadre: 'A9', numero: `B-${tag}-A9`, montants },
    settle,
  );
  const id = a9.dossierId;
  const dep = await measure(
    phase,
    'dépôt (A9, envoyer)',
    settle,
    () => as.st.post(`/v1/dossiers/${id}/pieces/${a9.pieceId}/envoyer`, {}),
    201,
  );
  let v = dep.version as number;
  const val = await measure(
    phase,
    'validation titulaire',
    settle,
    () => as.tit.post(`/v1/dossiers/${id}/actions`, { type: 'VALIDER' }, { ifMatch: v }),
    200,
  );
  v = val.version as number;
  const a15 = await draftAndUpload(
    as.moe,
    `/v1/dossiers/${id}/pieces`,
    { cadre: 'A15', numero: `B-${tag}-A15`, montants },
    settle,
  );
  const moe = await measure(
    phase,
    "état d'acompte MOE (A15)",
    settle,
    () =>
      as.moe.post(`/v1/dossiers/${id}/actions`, { type: 'DEPOSER_ETAT_ACOMPTE', pieceId: a15.pieceId }, { ifMatch: v }),
    200,
  );
  v = moe.version as number;
  const a19 = await draftAndUpload(
    as.moa,
    `/v1/dossiers/${id}/pieces`,
    { cadre: 'A19', numero: `B-${tag}-A19`, montants },
    settle,
  );
  const moa = await measure(
    phase,
    'validation MOA (A19, envoyer)',
    settle,
    () =>
      as.moa.post(`/v1/dossiers/${id}/pieces/${a19.pieceId}/envoyer`, { type: 'VALIDER_ETAT_ACOMPTE' }, { ifMatch: v }),
    200,
  );
  v = moa.version as number;
  await measure(
    phase,
    'service fait',
    settle,
    () => as.sf.post(`/v1/dossiers/${id}/actions`, { type: 'SERVICE_FAIT' }, { ifMatch: v }),
    200,
  );
  await measure(phase, 'GET dossier', settle, () => as.moa.get(`/v1/dossiers/${id}`), 200);
  await measure(phase, 'GET délai', settle, () => as.moa.get(`/v1/dossiers/${id}/delai`), 200);
  await measure(phase, 'GET historique', settle, () => as.moa.get(`/v1/dossiers/${id}/historique`), 200);
  await measure(
    phase,
    'GET dossiers du marché',
    settle,
    () => as.moe.get(`/v1/marches/${DEMO.marcheId}/dossiers?limite=20`),
    200,
  );
  await measure(phase, 'synthèse (MOA)', settle, () => as.moa.get(`/v1/structures/${DEMO.sirets.moa}/synthese`), 200);
}

// ------------------------------------------------------------------------------------------------ main

/** The machine's load averages (1, 5, 15 min), as `uptime` prints them. */
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

async function main(): Promise<void> {
  const t0 = Date.now();
  const loadAtStart = load();
  // Handlers log every request at INFO: silence them (the process logger is created when the handlers load, during
  // the platform's start, and the platform then sets the stack's level in the environment)
  const quiet = () => {
    if (!process.env.BENCH_LOGS) process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  };
  quiet();
  const p = await startPlatform({ port: 0, inMemory: true });
  quiet();
  try {
    const client = dynamoClient();
    client.use('benchCountRoundTrips', (next) => async (cmd) => {
      const command = cmd.operation;
      commands.push(command);
      const slot = commandMs.push(0) - 1;
      const r0 = performance.now();
      try {
        return await next(cmd);
      } finally {
        const took = performance.now() - r0;
        commandMs[slot] = took;
        (byCommandMs.get(command) ?? byCommandMs.set(command, []).get(command)!).push(took);
      }
    });
    client.onExchange((ms) => wireMs.push(ms));
    const seed = await seedOnBoot({ client: p.clients.document, tableName: p.tableName, now: p.clock.now() });
    console.log(
      `Plateforme en mémoire prête en ${((Date.now() - t0) / 1000).toFixed(1)} s ; ${seed.created.length} éléments de démonstration.`,
    );
    const as: Actors = {
      st: actingFor(await signInAs(p.url, DEMO.users.sousTraitant.login), DEMO.sirets.sousTraitant),
      tit: actingFor(await signInAs(p.url, DEMO.users.mandataire.login), DEMO.sirets.mandataire),
      moe: actingFor(await signInAs(p.url, DEMO.users.moe.login), DEMO.sirets.moe),
      moa: actingFor(await signInAs(p.url, DEMO.users.moa.login), DEMO.sirets.moa),
      sf: actingFor(await signInAs(p.url, DEMO.users.serviceFinancier.login), DEMO.sirets.serviceFinancier),
    };
    const settle = () => p.settle();

    // Warm-up: one circuit, not recorded (module loading, JIT, first connections)
    await circuit({ counting: 'latency' }, 0, as, settle);
    samples.clear();
    fullTrips.clear();
    for (let i = 1; i <= N; i++) await circuit({ counting: 'latency' }, i, as, settle);

    // Round trips of the requests alone: the dossier workflow replaced by a no-op for these passes
    const platformParts = contextOverrides();
    overrideContext({ ...platformParts, workflow: { start: async () => 'started', release: async () => true } });
    try {
      for (let i = 1; i <= COUNT_PASSES; i++) await circuit({ counting: 'api' }, i, as, settle);
    } finally {
      overrideContext(platformParts);
    }

    const perCommand = [...byCommandMs].sort(([x], [y]) => x.localeCompare(y)); // the API's, before the raw reads
    const raw: number[] = [];
    for (let i = 0; i < RAW_GETS; i++) {
      const r0 = performance.now();
      await client.send(new GetCommand({ TableName: p.tableName, Key: keys.marche(DEMO.marcheId) }));
      raw.push(performance.now() - r0);
    }
    raw.sort((a, b) => a - b);

    const rows = order.map((name) => {
      const s = [...(samples.get(name) ?? [])].sort((a, b) => a - b);
      const api = apiTrips.get(name);
      const full = fullTrips.get(name) ?? 0;
      const b = [...(bare.get(name) ?? [])].sort((x, y) => x - y);
      return {
        name,
        bareP50: percentile(b, 50),
        p50: percentile(s, 50),
        p99: percentile(s, 99),
        api: api?.total ?? 0,
        dynamoP50: percentile(
          [...(inDynamo.get(name) ?? [])].sort((x, y) => x - y),
          50,
        ),
        wireP50: percentile(
          [...(onWire.get(name) ?? [])].sort((x, y) => x - y),
          50,
        ),
        wf: Math.max(0, full - (api?.total ?? 0)),
        detail: api
          ? Object.entries(api.byCommand)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([c, n]) => `${c}×${n}`)
              .join(' ')
          : '',
      };
    });
    const rawP50 = percentile(raw, 50);
    console.log(
      `\nLatence de l’API des dossiers — plateforme embarquée (gestionnaires en processus, DynamoDB Local, HTTP local), N = ${N} par étape (p99 ≈ max pour N < 100), ${NAMED ? 'structure nommée (X-Structure-Siret)' : 'sans X-Structure-Siret'}`,
    );
    console.log(
      `${'étape'.padEnd(32)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'DynamoDB'.padStart(10)}${'+ circuit'.padStart(11)}${'p50 / GetItem'.padStart(15)}${'p50 sans circuit'.padStart(18)}   détail des allers-retours (API)`,
    );
    for (const r of rows) {
      console.log(
        `${r.name.padEnd(32)}${r.p50.toFixed(1).padStart(9)}${r.p99.toFixed(1).padStart(9)}${String(r.api).padStart(10)}${`+${r.wf}`.padStart(11)}${`${(r.p50 / rawP50).toFixed(1)}×`.padStart(15)}${r.bareP50.toFixed(1).padStart(18)}   ${r.detail}`,
      );
    }
    console.log(
      `${'GetItem brut (même client)'.padEnd(32)}${rawP50.toFixed(2).padStart(9)}${percentile(raw, 99).toFixed(2).padStart(9)}${'1'.padStart(10)}   (${RAW_GETS} appels)`,
    );
    console.log(
      `\nTemps passé dans DynamoDB par la requête (p50) : sur le réseau (somme des échanges, signature et analyse exclues) et au client (somme des envois, signature et analyse comprises) ; p50 / la somme sur le réseau — la cible du ticket est ≤ 2 × :`,
    );
    for (const r of rows) {
      console.log(
        `  ${r.name.padEnd(32)}${`${r.wireP50.toFixed(1)} ms`.padStart(10)}${`${r.dynamoP50.toFixed(1)} ms`.padStart(10)}${`${(r.p50 / r.wireP50).toFixed(1)}×`.padStart(8)}${r.p50 / r.wireP50 > 2 ? '  ← au-delà de la cible' : ''}`,
      );
    }
    console.log('Envoi par commande, au client (p50 / p99 ms, toute la mesure) :');
    for (const [command, list] of perCommand) {
      const sorted = [...list].sort((a, b) => a - b);
      console.log(
        `  ${command.padEnd(22)}${percentile(sorted, 50).toFixed(2).padStart(8)}${percentile(sorted, 99).toFixed(2).padStart(9)}   (${list.length})`,
      );
    }
    console.log(`Charge de la machine (moyennes 1, 5, 15 min) : ${loadAtStart} au début, ${load()} à la fin.`);
    console.log(
      `\nDynamoDB : allers-retours de la requête elle-même (circuit remplacé par un no-op). + circuit : ce que les tâches Step Functions ajoutent ensuite (mesuré jusqu’au repos). p50 sans circuit : la même requête sans appel à Step Functions (${COUNT_PASSES} passages).`,
    );
  } finally {
    await p.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

/** `s`, every request naming the structure it acts for (unless BENCH_NO_SIRET=1). */
function actingFor(s: Session, siret: string): Session {
  if (!NAMED) return s;
  const call = s.call.bind(s);
  return Object.assign(Object.create(s) as Session, {
    call: ((method, path, options = {}) =>
      call(method, path, {
        ...options,
        headers: { 'x-structure-siret': siret, ...options.headers },
      })) as Session['call'],
  });
}
