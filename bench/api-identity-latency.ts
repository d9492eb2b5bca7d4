/**
 * Latency of identity, marché and dashboard requests end to end on the embedded platform (gateway, JWT, Lambda
 * runtime, middy chain, DynamoDB Local), and of a refused dossier action (the authorization matrix's typical call).
 * Run: `npx tsx bench/api-identity-latency.ts` (prints p50 / p95 / max in ms and requests/s; nothing asserted).
 */
import { randomUUID } from 'node:crypto';
import { startPlatform } from '../infra/local/platform';
import { IdentityStore } from '../shared/adapters/dynamo/identity-store';
import { MarcheStore } from '../shared/adapters/dynamo/marche-store';
import { DEMO, seedDemo } from '../shared/seed/demo';

const N = Number(process.env.N ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 1);

async function main(): Promise<void> {
  const p = await startPlatform({ port: 0, inMemory: true });
  try {
    await seedDemo(
      {
        identity: new IdentityStore(p.clients.document, p.tableName),
        marches: new MarcheStore(p.clients.document, p.tableName),
      },
      p.clock.now(),
    );
    const token = async (login: string) =>
      (
        (await (
          await fetch(`${p.url}/_local/login`, { method: 'POST', body: JSON.stringify({ loginAddress: login }) })
        ).json()) as { token: string }
      ).token;
    const moa = await token(DEMO.users.moa.login);
    const outsider = await token(DEMO.users.cotraitant.login);
    const cases: Record<string, () => Promise<Response>> = {
      'GET /v1/moi': () => fetch(`${p.url}/v1/moi`, { headers: { authorization: `Bearer ${moa}` } }),
      'GET /v1/marches/{id}': () =>
        fetch(`${p.url}/v1/marches/${DEMO.marcheId}`, { headers: { authorization: `Bearer ${moa}` } }),
      'GET /v1/structures/{siret}/synthese': () =>
        fetch(`${p.url}/v1/structures/${DEMO.sirets.moa}/synthese`, { headers: { authorization: `Bearer ${moa}` } }),
      'POST /v1/structures/{siret}/services (refusé, 403)': () =>
        fetch(`${p.url}/v1/structures/${DEMO.sirets.moa}/services`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${outsider}`,
            'content-type': 'application/json',
            'idempotency-key': randomUUID(),
          },
          body: JSON.stringify({ code: 'X', libelle: 'x' }),
        }),
    };
    for (const [name, run] of Object.entries(cases)) {
      for (let i = 0; i < 10; i++) await (await run()).arrayBuffer();
      const times: number[] = [];
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next++ < N) {
            const t = performance.now();
            await (await run()).arrayBuffer();
            times.push(performance.now() - t);
          }
        }),
      );
      const total = performance.now() - started;
      times.sort((a, b) => a - b);
      const q = (f: number) => times[Math.min(times.length - 1, Math.floor(f * times.length))]!.toFixed(1);
      console.log(
        `${name.padEnd(52)} p50 ${q(0.5)} ms  p95 ${q(0.95)} ms  max ${q(1)} ms  ${((times.length / total) * 1000).toFixed(0)} req/s`,
      );
    }
  } finally {
    await p.stop();
  }
}

void main();
