import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DocumentBucket, type DocumentObjects } from '../../../shared/adapters/document-bucket';
import {
  GetCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '../../../shared/adapters/dynamo/document-client';
import { DossierStore } from '../../../shared/adapters/dynamo/dossier-store';
import { keys } from '../../../shared/adapters/dynamo/keys';
import { PieceStore } from '../../../shared/adapters/dynamo/piece-store';
import { S3RequestFailed } from '../../../shared/adapters/s3-objects';
import { verifyDocument } from '../../../shared/documents/verify';
import { MAX_PIECE_BYTES } from '../../../shared/domain/documents';
import { DomainError } from '../../../shared/domain/errors';
import type { DossierService } from '../../../shared/services/dossier-service';
import { PieceService, RESERVATION_GRACE_SECONDS } from '../../../shared/services/pieces';
import { mockDocumentClient, mockedClient } from '../../fixtures/document-client-mock';
import { elfBytes, textPdf } from '../../fixtures/documents/generate';

/**
 * PieceService against mocked DynamoDB (test/fixtures/document-client-mock.ts) and stored objects: the reservation under concurrent
 * transactions, the diagnosis of a refused reservation, and the verification when storage or the table fail.
 */
const NOW = new Date('2025-03-03T09:00:00.000Z');
const TABLE = 'table';
const BUCKET = 'bucket';
const ddb = mockDocumentClient();
/** The stored objects the service sees (document-bucket.ts), answers and faults put in by each test. */
const s3 = {
  head: vi.fn<DocumentObjects['head']>(),
  bytes: vi.fn<DocumentObjects['bytes']>(),
  hide: vi.fn<DocumentObjects['hide']>(),
};
const actor = { siret: '53819959700013', roles: ['MANDATAIRE' as const] };

const piece = (over: Record<string, unknown> = {}) => ({
  ...keys.piece('DOS-1', 'PCE-1'),
  pieceId: 'PCE-1',
  dossierId: 'DOS-1',
  marcheId: 'M-1',
  cadre: 'A4',
  numero: 'PDM-1',
  status: 'BROUILLON',
  depositorSiret: actor.siret,
  depositorRole: 'MANDATAIRE',
  newDossier: true,
  reservedBytes: 0,
  fileCount: 0,
  createdAt: NOW.toISOString(),
  createdBy: 'u',
  ...over,
});

const file = (over: Record<string, unknown> = {}) => ({
  ...keys.pieceFile('DOS-1', 'PCE-1', 'FIC-1'),
  fileId: 'FIC-1',
  dossierId: 'DOS-1',
  pieceId: 'PCE-1',
  role: 'ATTACHMENT',
  fileName: 'annexe.pdf',
  status: 'ATTENDU',
  declaredSize: 5000,
  contentType: 'application/pdf',
  objectKey: 'uploads/abc',
  createdAt: NOW.toISOString(),
  expiresAt: new Date(NOW.getTime() + 300_000).toISOString(),
  ...over,
});

function canceled(...codes: string[]): TransactionCanceledException {
  return new TransactionCanceledException('TransactionCanceledException', 'Transaction cancelled', 400, 1, {
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

let backoff: ReturnType<typeof vi.fn<(attempt: number) => Promise<void>>>;
// biome-ignore lint/suspicious/noExplicitAny: the requests the dossier service receives, read by the assertions
let act: ReturnType<typeof vi.fn<(request: any) => Promise<unknown>>>;
let service: PieceService;

beforeEach(() => {
  ddb.reset();
  s3.head.mockReset();
  s3.bytes.mockReset();
  s3.hide.mockReset();
  backoff = vi.fn(async () => undefined);
  act = vi.fn();
  // decide authorizes the user (here as `actor`), has the send prepared, then applies the decision (here: `act`)
  const decide = vi.fn(async (request: { prepare: (a: typeof actor) => Promise<object> }) =>
    act({ ...request, ...(await request.prepare(actor)) }),
  );
  const db = mockedClient();
  // The draft and its files come from the dossier's partition (one Query), read by the real store
  const partition = (dossierId: string) => new DossierStore(db, TABLE).partition(dossierId);
  const client = new S3Client({ region: 'eu-west-3', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
  service = new PieceService({
    dossiers: { decide, find: vi.fn(), partition } as unknown as DossierService,
    store: new PieceStore(db, TABLE, { backoff }),
    documents: new DocumentBucket(client, BUCKET, { now: () => NOW }, () => s3),
    clock: { now: () => NOW },
    uploadPrefix: 'uploads/',
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const formInput = (over: Record<string, unknown> = {}) => ({
  actor,
  dossierId: 'DOS-1',
  pieceId: 'PCE-1',
  fileName: 'annexe.pdf',
  size: 5000,
  role: 'ATTACHMENT' as const,
  ...over,
});

function transactions(): TransactWriteCommandInput[] {
  return ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input);
}

describe('reservation of an upload form', () => {
  beforeEach(() => {
    ddb.on(GetCommand, { Key: keys.piece('DOS-1', 'PCE-1') }).resolves({ Item: piece() });
    ddb.on(QueryCommand).resolves({ Items: [] });
  });

  it('tries again while the piece is taken by concurrent transactions, then reserves', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(canceled('TransactionConflict', 'None', 'None'))
      .rejectsOnce(canceled('TransactionConflict', 'None', 'None'))
      .resolves({});
    const form = await service.requestUploadForm(formInput());
    expect(form.maxBytes).toBe(5000);
    expect(backoff).toHaveBeenCalledTimes(2);
    const [first] = transactions();
    const update = first?.TransactItems?.[0]?.Update;
    expect(update?.Key).toEqual(keys.piece('DOS-1', 'PCE-1'));
    expect(update?.ExpressionAttributeValues?.[':room']).toBe(MAX_PIECE_BYTES - 5000);
    expect(first?.TransactItems?.[2]?.Put?.Item).toMatchObject({ pk: `UPLOAD#${form.fields.key}` });
  });

  it('gives up after repeated conflicts rather than loop forever', async () => {
    ddb.on(TransactWriteCommand).rejects(canceled('TransactionConflict', 'None', 'None'));
    // A race that lasts is a lost optimistic lock for the user (409), never a raw storage error
    await expect(service.requestUploadForm(formInput())).rejects.toMatchObject({
      code: 'MODIFICATION_CONCURRENTE',
      kind: 'CONFLICT',
    });
    expect(backoff.mock.calls.length).toBeGreaterThan(5);
  });

  it('explains a refused reservation from the piece read back: no room left', async () => {
    ddb
      .on(GetCommand, { Key: keys.piece('DOS-1', 'PCE-1') })
      .resolvesOnce({ Item: piece() })
      .resolves({ Item: piece({ reservedBytes: MAX_PIECE_BYTES - 4999, fileCount: 12 }) });
    ddb.on(TransactWriteCommand).rejects(canceled('ConditionalCheckFailed', 'None', 'None'));
    const e = await service.requestUploadForm(formInput()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toMatchObject({ code: 'PIECE_TROP_VOLUMINEUSE', kind: 'CONFLICT' });
    expect(backoff).not.toHaveBeenCalled();
  });

  it('explains a refused reservation: a main file is already there', async () => {
    ddb
      .on(GetCommand, { Key: keys.piece('DOS-1', 'PCE-1') })
      .resolvesOnce({ Item: piece() })
      .resolves({ Item: piece({ mainFileId: 'FIC-0' }) });
    ddb.on(TransactWriteCommand).rejects(canceled('ConditionalCheckFailed', 'None', 'None'));
    await expect(service.requestUploadForm(formInput({ role: 'MAIN' }))).rejects.toMatchObject({
      code: 'FICHIER_PRINCIPAL_DEJA_DEPOSE',
    });
  });

  it('explains a refused reservation: the piece was sent meanwhile', async () => {
    ddb
      .on(GetCommand, { Key: keys.piece('DOS-1', 'PCE-1') })
      .resolvesOnce({ Item: piece() })
      .resolves({ Item: piece({ status: 'ENVOYEE', certificat: 'CERT-X' }) });
    ddb.on(TransactWriteCommand).rejects(canceled('ConditionalCheckFailed', 'None', 'None'));
    await expect(service.requestUploadForm(formInput())).rejects.toMatchObject({ code: 'PIECE_DEJA_ENVOYEE' });
  });

  it('only a depositor of the piece gets a form', async () => {
    await expect(
      service.requestUploadForm(formInput({ actor: { siret: '83876704400012', roles: ['MOE'] } })),
    ).rejects.toMatchObject({ code: 'PIECE_D_UNE_AUTRE_STRUCTURE', kind: 'FORBIDDEN' });
    expect(transactions()).toHaveLength(0);
  });

  it('releases, before reserving, only the reservations past their expiry and its grace', async () => {
    const expiredLongAgo = new Date(NOW.getTime() - (RESERVATION_GRACE_SECONDS + 1) * 1000).toISOString();
    const justExpired = new Date(NOW.getTime() - 1000).toISOString();
    ddb.on(QueryCommand).resolves({
      Items: [
        file({ fileId: 'FIC-A', expiresAt: expiredLongAgo }),
        file({ fileId: 'FIC-B', expiresAt: justExpired }),
        file({ fileId: 'FIC-C', expiresAt: expiredLongAgo, status: 'VERIFIE' }),
      ],
    });
    ddb.on(TransactWriteCommand).resolves({});
    await service.requestUploadForm(formInput());
    const [release, reserve] = transactions();
    expect(transactions()).toHaveLength(2);
    expect(release?.TransactItems?.[0]?.Update?.Key).toEqual(keys.pieceFile('DOS-1', 'PCE-1', 'FIC-A'));
    expect(release?.TransactItems?.[0]?.Update?.ExpressionAttributeValues?.[':to']).toBe('EXPIRE');
    expect(release?.TransactItems?.[1]?.Update?.ExpressionAttributeValues?.[':size']).toBe(5000);
    expect(reserve?.TransactItems?.[1]?.Put?.Item).toMatchObject({ status: 'ATTENDU' });
  });
});

describe('a main file asked again after a dropped upload', () => {
  beforeEach(() => {
    ddb.on(GetCommand, { Key: keys.piece('DOS-1', 'PCE-1') }).resolves({ Item: piece() });
    ddb.on(TransactWriteCommand).resolves({});
  });

  it('releases the main form nothing reached storage under, then reserves the new one', async () => {
    ddb.on(QueryCommand).resolves({ Items: [file({ fileId: 'FIC-M', role: 'MAIN', objectKey: 'uploads/m' })] });
    s3.head.mockResolvedValue(undefined);
    await service.requestUploadForm(formInput({ role: 'MAIN', fileName: 'facture.pdf' }));
    const [release, reserve] = transactions();
    expect(release?.TransactItems?.[0]?.Update?.Key).toEqual(keys.pieceFile('DOS-1', 'PCE-1', 'FIC-M'));
    expect(release?.TransactItems?.[0]?.Update?.ExpressionAttributeValues?.[':to']).toBe('ANNULE');
    expect(reserve?.TransactItems?.[1]?.Put?.Item).toMatchObject({ status: 'ATTENDU', role: 'MAIN' });
  });

  it('leaves a main form whose object arrived to its verification', async () => {
    ddb.on(QueryCommand).resolves({ Items: [file({ fileId: 'FIC-M', role: 'MAIN', objectKey: 'uploads/m' })] });
    s3.head.mockResolvedValue({ size: 5000 });
    await service.requestUploadForm(formInput({ role: 'MAIN', fileName: 'facture.pdf' }));
    // Only the new reservation: the piece's own condition (one main file) then decides
    expect(transactions()).toHaveLength(1);
  });
});

describe('verification of an uploaded object, with storage and table faults', () => {
  const mapping = { ...keys.uploadKey('uploads/abc'), dossierId: 'DOS-1', pieceId: 'PCE-1', fileId: 'FIC-1' };

  beforeEach(() => {
    ddb.on(GetCommand, { Key: keys.uploadKey('uploads/abc') }).resolves({ Item: mapping });
    ddb.on(GetCommand, { Key: keys.pieceFile('DOS-1', 'PCE-1', 'FIC-1') }).resolves({ Item: file() });
    ddb.on(GetCommand, { Key: keys.piece('DOS-1', 'PCE-1') }).resolves({ Item: piece() });
  });

  it('throws (so that Lambda retries) when HeadObject fails, and writes nothing', async () => {
    s3.head.mockRejectedValue(new S3RequestFailed('S3 HEAD uploads/abc: 500 InternalError', 500, 'InternalError'));
    await expect(service.verifyUpload({ key: 'uploads/abc' }, verifyDocument)).rejects.toThrow();
    expect(transactions()).toHaveLength(0);
    expect(s3.hide).toHaveBeenCalledTimes(0);
  });

  it('throws when reading the body fails, and deletes nothing', async () => {
    s3.head.mockResolvedValue({ size: 100 });
    s3.bytes.mockRejectedValue(new Error('socket hang up'));
    await expect(service.verifyUpload({ key: 'uploads/abc' }, verifyDocument)).rejects.toThrow('socket hang up');
    expect(s3.hide).toHaveBeenCalledTimes(0);
  });

  it('records a verified file with its hash and gives back the unused part of the reservation', async () => {
    const pdf = await textPdf([['Annexe']]);
    s3.head.mockResolvedValue({ size: pdf.length, versionId: 'v1' });
    s3.bytes.mockResolvedValue(pdf);
    ddb.on(TransactWriteCommand).resolves({});
    const out = await service.verifyUpload({ key: 'uploads/abc', versionId: 'v1' }, verifyDocument);
    expect(out).toMatchObject({ outcome: 'VERIFIE', fileId: 'FIC-1' });
    const [t] = transactions();
    expect(t?.TransactItems?.[0]?.Update?.ExpressionAttributeValues).toMatchObject({
      ':vid': 'v1',
      ':size': pdf.length,
    });
    expect(t?.TransactItems?.[1]?.Update?.ExpressionAttributeValues?.[':delta']).toBe(5000 - pdf.length);
    expect(s3.bytes).toHaveBeenCalledWith('uploads/abc', 'v1');
  });

  it('refuses, records the French reason, then deletes the object; a failed delete is retried by the next delivery', async () => {
    const elf = elfBytes();
    s3.head.mockResolvedValue({ size: elf.length });
    s3.bytes.mockResolvedValue(elf);
    s3.hide.mockRejectedValueOnce(new Error('503 Slow Down')).mockResolvedValue();
    ddb.on(TransactWriteCommand).resolves({});
    await expect(service.verifyUpload({ key: 'uploads/abc' }, verifyDocument)).rejects.toThrow('Slow Down');
    const [t] = transactions();
    expect(t?.TransactItems?.[0]?.Update?.ExpressionAttributeValues?.[':r']).toMatchObject({
      code: 'FICHIER_EXECUTABLE',
    });
    // Second delivery: the file is REFUSE now, the object is deleted
    ddb
      .on(GetCommand, { Key: keys.pieceFile('DOS-1', 'PCE-1', 'FIC-1') })
      .resolves({ Item: file({ status: 'REFUSE' }) });
    await expect(service.verifyUpload({ key: 'uploads/abc' }, verifyDocument)).resolves.toMatchObject({
      outcome: 'IGNORE',
    });
    expect(s3.hide).toHaveBeenCalledTimes(2);
    expect(transactions()).toHaveLength(1);
  });

  it('reads the file again when it changed in between (cancelled by a send) and deletes the object', async () => {
    const pdf = await textPdf([['Annexe']]);
    s3.head.mockResolvedValue({ size: pdf.length });
    s3.bytes.mockResolvedValue(pdf);
    ddb
      .on(GetCommand, { Key: keys.pieceFile('DOS-1', 'PCE-1', 'FIC-1') })
      .resolvesOnce({ Item: file() })
      .resolves({ Item: file({ status: 'ANNULE' }) });
    ddb.on(TransactWriteCommand).rejects(canceled('ConditionalCheckFailed', 'None'));
    s3.hide.mockResolvedValue();
    await expect(service.verifyUpload({ key: 'uploads/abc' }, verifyDocument)).resolves.toMatchObject({
      outcome: 'IGNORE',
    });
    expect(s3.hide).toHaveBeenCalledTimes(1);
  });

  it('does nothing twice: an already verified file ignores a repeated event without reading storage', async () => {
    ddb
      .on(GetCommand, { Key: keys.pieceFile('DOS-1', 'PCE-1', 'FIC-1') })
      .resolves({ Item: file({ status: 'VERIFIE' }) });
    await expect(service.verifyUpload({ key: 'uploads/abc' }, verifyDocument)).resolves.toMatchObject({
      outcome: 'IGNORE',
    });
    expect([...s3.head.mock.calls, ...s3.bytes.mock.calls, ...s3.hide.mock.calls]).toHaveLength(0);
  });

  it('refuses bytes whose SHA-256 differs from the checksum S3 stored', async () => {
    const pdf = await textPdf([['Annexe']]);
    // a checksum S3 stored, 32 bytes of 7
    s3.head.mockResolvedValue({ size: pdf.length, sha256: '07'.repeat(32) });
    s3.bytes.mockResolvedValue(pdf);
    s3.hide.mockResolvedValue();
    ddb.on(TransactWriteCommand).resolves({});
    await expect(service.verifyUpload({ key: 'uploads/abc' }, verifyDocument)).resolves.toMatchObject({
      outcome: 'REFUSE',
      refusal: { code: 'EMPREINTE_DIFFERENTE' },
    });
  });

  it('ignores objects outside the upload prefix', async () => {
    await expect(service.verifyUpload({ key: 'logs/x' }, verifyDocument)).resolves.toMatchObject({ outcome: 'IGNORE' });
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('Valider et envoyer, with storage faults', () => {
  const draft = piece({ mainFileId: 'FIC-M' });
  const verifiedMain = file({ fileId: 'FIC-M', role: 'MAIN', status: 'VERIFIE', sha256: 'a'.repeat(64) });
  const verifiedAnnex = file({ fileId: 'FIC-N', status: 'VERIFIE', sha256: 'b'.repeat(64) });
  const send = () => service.send({ userId: 'u', dossierId: 'DOS-1', pieceId: 'PCE-1' });

  it('waits for an uploaded file still being verified', async () => {
    ddb.on(QueryCommand).resolves({ Items: [draft, verifiedMain, file({ fileId: 'FIC-W', objectKey: 'uploads/w' })] });
    s3.head.mockResolvedValue({ size: 10 });
    await expect(send()).rejects.toMatchObject({ code: 'FICHIERS_EN_COURS_DE_VERIFICATION' });
    expect(act).not.toHaveBeenCalled();
  });

  it('cancels an unused form in the same transaction and passes the hashes, main file first', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [draft, verifiedAnnex, verifiedMain, file({ fileId: 'FIC-U', objectKey: 'uploads/u' })],
    });
    s3.head.mockResolvedValue(undefined);
    act.mockResolvedValue({ dossier: { status: 'MISE_A_DISPOSITION_MOE' } });
    const out = await send();
    expect(out.message).toBe('La pièce n° PDM-1 est validée, elle est en cours de transmission au service concerné');
    const request = act.mock.calls[0]?.[0];
    expect(request).toMatchObject({
      dossierId: undefined,
      marcheId: 'M-1',
      action: { type: 'DEPOSER', dossierId: 'DOS-1', piece: { id: 'PCE-1', numero: 'PDM-1', cadre: 'A4' } },
      fileHashes: ['a'.repeat(64), 'b'.repeat(64)],
    });
    // The piece becomes sent and the unused form is cancelled, in the dossier's transaction
    expect(request.coWrites).toEqual([
      {
        kind: 'PIECE_SENT',
        dossierId: 'DOS-1',
        pieceId: 'PCE-1',
        depositorSiret: actor.siret,
        mainFileId: 'FIC-M',
        certificat: out.certificat,
        sentAt: NOW.toISOString(),
        sentBy: 'u',
        fileHashes: ['a'.repeat(64), 'b'.repeat(64)],
      },
      { kind: 'UPLOAD_CANCELLED', dossierId: 'DOS-1', pieceId: 'PCE-1', fileId: 'FIC-U', at: NOW.toISOString() },
    ]);
  });

  it('a follow-up piece needs its action; the If-Match goes to the dossier service', async () => {
    ddb
      .on(QueryCommand)
      .resolves({ Items: [piece({ newDossier: false, mainFileId: 'FIC-M', cadre: 'A15' }), verifiedMain] });
    await expect(send()).rejects.toMatchObject({ code: 'ACTION_INVALIDE' });
    act.mockResolvedValue({ dossier: {} });
    await service.send({
      userId: 'u',
      dossierId: 'DOS-1',
      pieceId: 'PCE-1',
      expectedVersion: 3,
      action: { type: 'DEPOSER_ETAT_ACOMPTE', piece: { id: 'forged' } },
    });
    expect(act.mock.calls[0]?.[0]).toMatchObject({
      dossierId: 'DOS-1',
      expectedVersion: 3,
      action: { type: 'DEPOSER_ETAT_ACOMPTE', piece: { id: 'PCE-1', cadre: 'A15' } },
    });
  });
});
