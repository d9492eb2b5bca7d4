/**
 * The single table: every item type, its keys and which index answers which access pattern
 * (docs/DESIGN.md#the-table). No Scan on a user path: each pattern below is one Query or Get. « GSI1 » is the index on
 * `gsi1pk`/`gsi1sk` (named `GSI1v2`, projecting what its readers read: docs/DESIGN.md#index-projections), « GSI2 »
 * the one on `gsi2pk`/`gsi2sk`.
 *
 * | pattern                                         | how                                                    |
 * |-------------------------------------------------|--------------------------------------------------------|
 * | dossier with pieces, events, clock, pending     | Query pk = DOSSIER#id                                  |
 * | a structure's pending actions by deadline       | GSI1 pk = PENDING#siret, sk = deadline#dossier (one    |
 * |                                                 |   entry per structure that may act: PENDING[#siret])   |
 * | a public buyer's open DGP clocks by échéance    | GSI1 pk = DGP#siret, sk = echeance#dossier (sparse;    |
 * |   (the MOA's, and its service financier's)      |   item CLOCK for the MOA, CLOCK#siret for the SF)      |
 * | counts by status ("Tableau de bord") and of     | Query pk = COUNT#siret: the structure's counter shards |
 * |   pending actions (the Synthèse's total)        |   (structure-counters.ts), summed on read              |
 * | a structure's open dossiers by status           | GSI2 pk = BOARD#siret, sk = status#dossier (keys only; |
 * |   (Rechercher)                                  |   the dossier's item BOARD#siret, moved at its close)  |
 * | a structure's closed dossiers by status         | GSI2 pk = BOARD_CLOS#siret, sk = status#dossier        |
 * | marchés of a structure                          | GSI2 pk = STRUCT#siret, sk begins_with MARCHE#         |
 * | a structure's draft pieces                      | GSI2 pk = STRUCT#siret, sk begins_with BROUILLON#      |
 * | dossiers of a marché / of a structure           | GSI2 pk = MARCHE#id or STRUCT#siret, sk = DOSSIER#date |
 * | dossiers of a marché in a status                | GSI2 pk = MARCHE#id#STATUT#status, sk = DOSSIER#date   |
 * |                                                 |   (item MARCHE_STATUT of the dossier, keys only)       |
 * | open (or closed) dossiers of a marché           | GSI1 pk = MARCHE#id#OUVERT or MARCHE#id#CLOS,          |
 * |                                                 |   sk = DOSSIER#date (item MARCHE_ETAT, keys only)      |
 * | structures a user is attached to                | GSI2 pk = USER#id, sk = MEMBER#siret                   |
 * | public structures directory                     | GSI2 pk = DIRECTORY#PUBLIC, sk = name#siret            |
 * | upload forms awaiting their file, by expiry     | GSI1 pk = UPLOAD#ATTENDU, sk = expiresAt#file (sparse; |
 * |   (the sweeper of lost S3 events)               |   set on the file item at reservation)                 |
 * | uniqueness (piece number, login, SIRET)         | conditional Put on pk = UNIQ#…                         |
 * | idempotency records                             | pk = IDEMP#scope#key, with `ttl`                       |
 */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /**
   * GSI1 projects the keys and only the attributes its readers take from the entries
   * (docs/DESIGN.md#index-projections): an update that changes neither an item's GSI1 key nor one of these writes
   * nothing to the index (a dossier's META item is indexed here while open, and a decision rewrites its state and
   * version, not these). Its readers of whole items (the upload sweeper, the reminders, the digests) read them by key
   * after the index. Named `GSI1v2`: a projection cannot be changed in place, the index that projected ALL was
   * `GSI1` (`legacyName`).
   */
  gsi1: {
    name: 'GSI1v2',
    legacyName: 'GSI1',
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    nonKeyAttributes: [
      // PENDING#siret (Synthèse): the wait
      'pending',
      // DGP#siret (Délais): the clock, its interest base, what names the dossier
      'clock',
      'interestBase',
      'marcheId',
      'piece',
      // OPEN_DOSSIERS#nn (the resume): the execution's generation
      'executionGeneration',
      // OUTBOX: the intent and its time
      'intent',
      'createdAt',
      // REMINDERS#month and NOTICES#month (when the next is due), NOTICES#month (the notice)
      'dueAt',
      'siret',
      'changedAt',
      // MAIL_PENDING: the notification to mail
      'userId',
      'id',
      'at',
    ],
  },
  /** GSI2 projects ALL: its readers take whole items (docs/DESIGN.md#index-projections). */
  gsi2: { name: 'GSI2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ttlAttribute: 'ttl',
} as const;

export interface Keys {
  pk: string;
  sk: string;
}

export const keys = {
  structure: (siret: string): Keys => ({ pk: `STRUCT#${siret}`, sk: 'META' }),
  structureService: (siret: string, codeService: string): Keys => ({
    pk: `STRUCT#${siret}`,
    sk: `SERVICE#${codeService}`,
  }),
  membership: (siret: string, userId: string): Keys => ({ pk: `STRUCT#${siret}`, sk: `MEMBER#${userId}` }),
  user: (userId: string): Keys => ({ pk: `USER#${userId}`, sk: 'META' }),
  marche: (marcheId: string): Keys => ({ pk: `MARCHE#${marcheId}`, sk: 'META' }),
  /**
   * The cumul of the latest état d'acompte of one dossier, in the marché's sequence of a company's acomptes (dossier
   * ids are time-ordered, so the previous acompte's is the one just before).
   */
  etatAcompteCumul: (marcheId: string, fournisseurSiret: string, dossierId: string): Keys => ({
    pk: `MARCHE#${marcheId}`,
    sk: `ETAT_ACOMPTE#${fournisseurSiret}#${dossierId}`,
  }),
  /** The version of that sequence, bumped by every état d'acompte sent in it (etat-acompte-cumul.ts). */
  etatAcompteSequence: (marcheId: string, fournisseurSiret: string): Keys => ({
    pk: `MARCHE#${marcheId}`,
    sk: `ETAT_ACOMPTE_SEQ#${fournisseurSiret}`,
  }),
  dossier: (dossierId: string): Keys => ({ pk: `DOSSIER#${dossierId}`, sk: 'META' }),
  /** Piece ids are time-ordered (shared/adapters/ids.ts), so pieces sort in deposit order. */
  piece: (dossierId: string, pieceId: string): Keys => ({ pk: `DOSSIER#${dossierId}`, sk: `PIECE#${pieceId}` }),
  /** A file of a piece: its upload reservation, then its verification result. */
  pieceFile: (dossierId: string, pieceId: string, fileId: string): Keys => ({
    pk: `DOSSIER#${dossierId}`,
    sk: `FILE#${pieceId}#${fileId}`,
  }),
  /** Where an uploaded object belongs (the object key is random; this maps it back). */
  uploadKey: (objectKey: string): Keys => ({ pk: `UPLOAD#${objectKey}`, sk: 'UPLOAD' }),
  event: (dossierId: string, seq: number): Keys => ({
    pk: `DOSSIER#${dossierId}`,
    sk: `EVENT#${String(seq).padStart(6, '0')}`,
  }),
  dgpClock: (dossierId: string): Keys => ({ pk: `DOSSIER#${dossierId}`, sk: 'CLOCK' }),
  /**
   * The same open clock, indexed for the dossier's service financier when it is not the MOA (its « Délais »): a copy
   * of the clock kept only while the clock is open; the dossier's loader reads `CLOCK` alone.
   */
  dgpClockOf: (dossierId: string, siret: string): Keys => ({ pk: `DOSSIER#${dossierId}`, sk: `CLOCK#${siret}` }),
  pendingAction: (dossierId: string): Keys => ({ pk: `DOSSIER#${dossierId}`, sk: 'PENDING' }),
  /** The same wait, indexed for another structure that may act in it (e.g. the late MOE, the MOA). */
  pendingActionOf: (dossierId: string, siret: string): Keys => ({ pk: `DOSSIER#${dossierId}`, sk: `PENDING#${siret}` }),
  /** The dossier under its status in its marché's list (the list's `statut` filter, served by the key). */
  marcheStatusEntry: (dossierId: string): Keys => ({ pk: `DOSSIER#${dossierId}`, sk: 'MARCHE_STATUT' }),
  /** The dossier among its marché's open or closed ones (the list's `ouvert` filter), rewritten only when it closes. */
  marcheStateEntry: (dossierId: string): Keys => ({ pk: `DOSSIER#${dossierId}`, sk: 'MARCHE_ETAT' }),
  /** A structure's view of a dossier's status, for its "Tableau de bord". */
  boardEntry: (dossierId: string, siret: string): Keys => ({ pk: `DOSSIER#${dossierId}`, sk: `BOARD#${siret}` }),
  /**
   * One write shard of a structure's counters (dossiers by status, pending actions), kept by the dossier saves in
   * their own transaction; a view sums the shards (structure-counters.ts).
   */
  structureCounter: (siret: string, shard: number): Keys => ({
    pk: `COUNT#${siret}`,
    sk: `SHARD#${String(shard).padStart(2, '0')}`,
  }),
  /** Which layout of the maintained index items the table holds (index-maintenance.ts). */
  indexLayout: (): Keys => ({ pk: 'TABLE#LAYOUT', sk: 'LAYOUT' }),
  uniquePieceNumber: (depositorSiret: string, numero: string): Keys => ({
    pk: `UNIQ#PIECE#${depositorSiret}#${numero.toUpperCase()}`,
    sk: 'UNIQ',
  }),
  uniqueLogin: (loginAddress: string): Keys => ({ pk: `UNIQ#LOGIN#${loginAddress.toLowerCase()}`, sk: 'UNIQ' }),
  uniqueSiret: (siret: string): Keys => ({ pk: `UNIQ#SIRET#${siret}`, sk: 'UNIQ' }),
  /** A technical account's machine-to-machine client (OAuth 2 client credentials) → its account. */
  machineClient: (clientId: string): Keys => ({ pk: `TECHCLIENT#${clientId}`, sk: 'TECHCLIENT' }),
  idempotency: (scope: string, key: string): Keys => ({ pk: `IDEMP#${scope}#${key}`, sk: 'IDEMP' }),
} as const;

/** GSI1 values: "what is due, for whom, by when". */
export const gsi1 = {
  uploadAwaited: (expiresAt: string, fileId: string) => ({
    gsi1pk: 'UPLOAD#ATTENDU',
    gsi1sk: `${expiresAt}#${fileId}`,
  }),
  pendingFor: (siret: string, deadline: Date | string, dossierId: string) => ({
    gsi1pk: `PENDING#${siret}`,
    gsi1sk: `${typeof deadline === 'string' ? deadline : deadline.toISOString()}#${dossierId}`,
  }),
  dgpOf: (buyerSiret: string, echeance: string, dossierId: string) => ({
    gsi1pk: `DGP#${buyerSiret}`,
    gsi1sk: `${echeance}#${dossierId}`,
  }),
  /** The dossier among its marché's open ones, or its closed ones (the list's `ouvert` filter, served by the key). */
  dossierOfMarcheOpenOrClosed: (marcheId: string, open: boolean, createdAt: string) => ({
    gsi1pk: `MARCHE#${marcheId}#${open ? 'OUVERT' : 'CLOS'}`,
    gsi1sk: `DOSSIER#${createdAt}`,
  }),
} as const;

/** GSI2 values: "which things belong to whom". */
export const gsi2 = {
  dossierOfMarche: (marcheId: string, createdAt: string) => ({
    gsi2pk: `MARCHE#${marcheId}`,
    gsi2sk: `DOSSIER#${createdAt}`,
  }),
  dossierOfMarcheInStatus: (marcheId: string, status: string, createdAt: string) => ({
    gsi2pk: `MARCHE#${marcheId}#STATUT#${status}`,
    gsi2sk: `DOSSIER#${createdAt}`,
  }),
  /** A structure's open dossier under its status (its board); once closed, under its closed board. */
  boardOf: (siret: string, status: string, dossierId: string, open = true) => ({
    gsi2pk: `${open ? 'BOARD' : 'BOARD_CLOS'}#${siret}`,
    gsi2sk: `${status}#${dossierId}`,
  }),
  membershipOfUser: (userId: string, siret: string) => ({ gsi2pk: `USER#${userId}`, gsi2sk: `MEMBER#${siret}` }),
  directoryEntry: (name: string, siret: string) => ({
    gsi2pk: 'DIRECTORY#PUBLIC',
    gsi2sk: `${name.toUpperCase()}#${siret}`,
  }),
} as const;

/**
 * Which of `shards` write shards an id falls in: FNV-1a (32 bits) of its characters, modulo `shards`. Stable across
 * runs, so a dossier always writes the same shard of a sharded key.
 */
export function shardOf(id: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}
