import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { VERSIONS_PREFIX } from '../../infra/local/s3';
import { DeleteCommand, GetCommand, PutCommand } from '../../shared/adapters/dynamo/document-client';
import { keys } from '../../shared/adapters/dynamo/keys';
import { serviceContext } from '../../shared/services/context';
import { type Json, sha256Hex } from '../integration/api/dossiers/client';
import { useWorld } from '../integration/api/dossiers/world';

/**
 * Tamper detection: someone with direct access to the table or the bucket (bypassing every API rule) alters an
 * audit event, deletes one in the middle or at the end of the chain, or rewrites a verified file's stored bytes.
 * `GET /v1/dossiers/{id}/historique?fichiers=1` says which link broke, and why.
 */
const M = { ht: '4000.00', tva: '800.00', ttc: '4800.00' };

describe('tamper detection in the audit trail and the stored files', () => {
  const world = useWorld();

  async function opened(numero: string) {
    const w = world();
    const d = await w.open(w.as.mandataire, { cadre: 'A4', numero, montants: M });
    return d.dossierId;
  }

  async function history(dossierId: string): Promise<Json> {
    const res = await world().as.mandataire.get(`/v1/dossiers/${dossierId}/historique?fichiers=1`);
    expect(res.status).toBe(200);
    return res.body;
  }

  async function eventItem(dossierId: string, seq: number) {
    const p = world().platform;
    const got = await p.clients.document.send(
      new GetCommand({ TableName: p.tableName, Key: keys.event(dossierId, seq) }),
    );
    expect(got.Item, `événement ${seq}`).toBeDefined();
    return got.Item as Record<string, unknown> & { event: Record<string, unknown> };
  }

  it('names the altered event when an audit item is rewritten in the table', async () => {
    const id = await opened('TAMPER-ALTER');
    const before = await history(id);
    expect(before.verification).toMatchObject({ integre: true, fichiersIntegres: true });
    const length = before.evenements.length as number;
    expect(length).toBeGreaterThanOrEqual(2);
    // The first event (the deposit) is said to come from another SIRET; hashes left as they were
    const item = await eventItem(id, 1);
    const p = world().platform;
    await p.clients.document.send(
      new PutCommand({
        TableName: p.tableName,
        Item: { ...item, event: { ...item.event, acteurSiret: '21750001608202' } },
      }),
    );
    const after = await history(id);
    expect(after.verification).toEqual({
      integre: false,
      rompuAuSeq: 1,
      raison: 'contenu modifié (hash)',
      fichiersIntegres: true,
    });
  });

  it('names the first missing number when an event is deleted in the middle or at the end of the chain', async () => {
    const id = await opened('TAMPER-DELETE');
    const length = (await history(id)).evenements.length as number;
    const p = world().platform;
    // The last event deleted: the chain that is left is consistent, but shorter than the dossier's recorded head
    await p.clients.document.send(new DeleteCommand({ TableName: p.tableName, Key: keys.event(id, length) }));
    expect((await history(id)).verification).toMatchObject({
      integre: false,
      rompuAuSeq: length,
      raison: `événements ${length} à ${length} manquants (le dossier en enregistre ${length})`,
    });
    // Event 1 deleted too: the chain now starts at 2 (seq 2 where 1 was expected)
    await p.clients.document.send(new DeleteCommand({ TableName: p.tableName, Key: keys.event(id, 1) }));
    expect((await history(id)).verification).toMatchObject({
      integre: false,
      rompuAuSeq: 2,
      raison: 'séquence 2 au lieu de 1',
    });
  });

  it('names the file whose stored bytes were replaced in the bucket, the chain itself intact', async () => {
    const id = await opened('TAMPER-FILE');
    const before = await history(id);
    const file = (before.fichiers as Json[])[0];
    expect(file).toMatchObject({ integre: true });
    const p = world().platform;
    const stored = await serviceContext().stores.pieces.file(id, file.pieceId, file.fichierId);
    const other = Buffer.from('%PDF-1.7\nautre contenu\n%%EOF\n');
    await p.clients.s3.send(
      new PutObjectCommand({
        Bucket: p.bucketName,
        Key: `${VERSIONS_PREFIX}${stored?.objectKey}/${stored?.versionId}`,
        Body: other,
      }),
    );
    const after = await history(id);
    expect(after.verification).toMatchObject({ integre: true, fichiersIntegres: false });
    expect((after.fichiers as Json[]).find((f) => f.fichierId === file.fichierId)).toMatchObject({
      integre: false,
      empreinteEnregistree: file.empreinteEnregistree,
      empreinteStockee: sha256Hex(other),
      raison: 'contenu stocké différent de l’empreinte enregistrée à la vérification',
    });
  });
});
