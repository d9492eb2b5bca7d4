/**
 * The GET of one dossier, byte for byte, to show that a change leaves it identical (issue 16: the read was made
 * cheaper without changing what it answers). On a platform persisted in DIR, at the same instant:
 *
 *   npx tsx scripts/dossier-body.ts record DIR            a dossier (A9 deposited, then validated by the titulaire)
 *   npx tsx scripts/dossier-body.ts read DIR > before.txt  its GET by three readers: status, SHA-256, headers, body
 *   (checkout the other build)
 *   npx tsx scripts/dossier-body.ts read DIR > after.txt && diff before.txt after.txt
 *
 * `record` starts the platform clock at a fixed instant; `read` resumes the clock stored in DIR, so both reads fall
 * on the same day (the body's dates are days). The headers that change with every request (date, request id) are
 * left out.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startPlatform } from '../infra/local/platform';
import { seedOnBoot } from '../shared/seed/boot';
import { DEMO } from '../shared/seed/demo';
import { draftWithMainFile, signInAs } from '../test/integration/api/dossiers/client';

const RECORDED_AT = '2026-11-20T09:00:00.000Z';
const PER_REQUEST_HEADERS = new Set(['date', 'apigw-requestid', 'x-amzn-requestid']);

async function main(): Promise<void> {
  const [mode, dir] = process.argv.slice(2);
  if ((mode !== 'record' && mode !== 'read') || !dir) {
    console.error('usage : npx tsx scripts/dossier-body.ts record|read <dossier de données>');
    process.exit(2);
  }
  const idFile = path.join(dir, 'dossier-id');
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const platform = await startPlatform({
    port: 0,
    dataDir: dir,
    ...(mode === 'record' ? { startAt: RECORDED_AT } : {}),
  });
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  try {
    if (mode === 'record') {
      await seedOnBoot({ client: platform.clients.document, tableName: platform.tableName, now: platform.clock.now() });
      const st = await signInAs(platform.url, DEMO.users.sousTraitant.login);
      const titulaire = await signInAs(platform.url, DEMO.users.mandataire.login);
      const montants = { ht: '1000.00', tva: '200.00', ttc: '1200.00' };
      const d = await draftWithMainFile(
        st,
        `/v1/marches/${DEMO.marcheId}/pieces`,
        { cadre: 'A9', numero: 'CORPS-1', montants },
        () => platform.settle(),
      );
      const sent = await st.post(`/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}/envoyer`, {});
      await platform.settle();
      const validated = await titulaire.post(
        `/v1/dossiers/${d.dossierId}/actions`,
        { type: 'VALIDER' },
        { ifMatch: sent.version },
      );
      await platform.settle();
      if (sent.status !== 201 || validated.status !== 200)
        throw new Error(`dossier : ${sent.status}, ${validated.status}`);
      fs.writeFileSync(idFile, d.dossierId);
      console.log(`dossier ${d.dossierId} enregistré dans ${dir}`);
      return;
    }
    const id = fs.readFileSync(idFile, 'utf8').trim();
    const readers = [
      ['moa', DEMO.sirets.moa],
      ['moe', DEMO.sirets.moe],
      ['sousTraitant', undefined],
    ] as const;
    for (const [who, siret] of readers) {
      const s = await signInAs(platform.url, DEMO.users[who].login);
      const res = await fetch(`${platform.url}/v1/dossiers/${id}`, {
        headers: { authorization: `Bearer ${s.token}`, ...(siret ? { 'x-structure-siret': siret } : {}) },
      });
      const body = await res.text();
      const headers = [...res.headers].filter(([k]) => !PER_REQUEST_HEADERS.has(k)).map(([k, v]) => `${k}: ${v}`);
      console.log(`${who} ${res.status} sha256 ${createHash('sha256').update(body).digest('hex')}`);
      console.log(headers.join('; '));
      console.log(body);
    }
  } finally {
    await platform.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
