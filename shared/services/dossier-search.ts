import type { BoardHit, DossierSearchStore, SearchOrder } from '../adapters/dynamo/dossier-search-store';
import type { CalendarDate } from '../domain/calendar';
import { type Dossier, PIECE_STATUSES, type PieceStatus } from '../domain/circuits';
import { type DossierCriteria, isOverdue, matchesCriteria } from '../domain/circuits/search';
import { DomainError } from '../domain/errors';

/**
 * « Rechercher »: a structure's dossiers across every marché it acts on, newest (or oldest) first, one bounded page
 * at a time. Candidates come from the structure's board index by status, in id (= creation) order; the criteria of
 * the rule book (shared/domain/circuits/search.ts) keep or drop each one. A page examines at most
 * `MAX_EXAMINED_PER_PAGE` dossiers: a selective search may return a short page with a cursor to go on. The `ouvert`
 * criterion is served by the index (open and closed dossiers sit on separate boards), not by reading and dropping.
 */
export const MAX_EXAMINED_PER_PAGE = 500;
/** Dossiers read per round trip (index Query per status, then one BatchGet). */
const BATCH = 50;
/** At most this many waits of the structure are read for « en attente de moi » (its Synthèse is bounded alike). */
const MAX_WAITING = 1000;

export interface SearchRequest {
  readonly siret: string;
  readonly criteria: DossierCriteria;
  readonly statuts?: readonly PieceStatus[];
  /** Only the dossiers whose current step waits for this structure. */
  readonly enAttenteDeMoi?: boolean;
  readonly limit: number;
  readonly order: SearchOrder;
  readonly cursor?: string;
  readonly today: CalendarDate;
}

export interface SearchHit {
  readonly dossier: Dossier;
  readonly version: number;
  readonly overdue: boolean;
  readonly waitingForMe: boolean;
}

export interface SearchPage {
  readonly hits: readonly SearchHit[];
  readonly examined: number;
  readonly next?: string;
}

interface Cursor {
  readonly s: string;
  readonly a: string;
  readonly o: SearchOrder;
}

const DOSSIER_ID = /^DOS-[0-9A-Z]{26}$/;

function invalidCursor(): DomainError {
  return new DomainError(
    'CURSEUR_INVALIDE',
    'Valeur de « suivant » invalide : relancez la recherche depuis la première page.',
    'INVALID',
    [{ path: 'query.suivant', message: 'Curseur invalide.' }],
  );
}

export function encodeSearchCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

export function decodeSearchCursor(value: string, siret: string, order: SearchOrder): Cursor {
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const x = c as Partial<Cursor> | null;
  // A cursor is good only for the structure and the order it was issued for.
  if (!x || typeof x !== 'object' || x.s !== siret || x.o !== order || typeof x.a !== 'string') throw invalidCursor();
  if (!DOSSIER_ID.test(x.a)) throw invalidCursor();
  return { s: x.s, a: x.a, o: x.o };
}

export async function searchDossiers(store: DossierSearchStore, r: SearchRequest): Promise<SearchPage> {
  const statuses = r.statuts?.length ? [...new Set(r.statuts)] : [...PIECE_STATUSES];
  const waiting = r.enAttenteDeMoi !== undefined ? await store.waitingFor(r.siret, MAX_WAITING) : undefined;
  let afterId = r.cursor ? decodeSearchCursor(r.cursor, r.siret, r.order).a : undefined;
  const hits: SearchHit[] = [];
  let examined = 0;
  let exhausted = false;

  while (hits.length < r.limit && examined < MAX_EXAMINED_PER_PAGE && !exhausted) {
    const size = Math.min(BATCH, MAX_EXAMINED_PER_PAGE - examined);
    const batch: BoardHit[] = await store.board(r.siret, statuses, {
      limit: size,
      order: r.order,
      ...(afterId ? { afterId } : {}),
      ...(r.criteria.ouvert !== undefined ? { open: r.criteria.ouvert } : {}),
    });
    exhausted = batch.length < size;
    const states = await store.dossiers(batch.map((b) => b.dossierId));
    for (const b of batch) {
      examined++;
      afterId = b.dossierId;
      const found = states.get(b.dossierId);
      if (!found) continue;
      const waitingForMe = waiting?.has(b.dossierId) ?? false;
      if (r.enAttenteDeMoi !== undefined && waitingForMe !== r.enAttenteDeMoi) continue;
      if (!matchesCriteria(found.state, r.criteria, r.today)) continue;
      hits.push({
        dossier: found.state,
        version: found.version,
        overdue: isOverdue(found.state, r.today),
        waitingForMe,
      });
      if (hits.length === r.limit) {
        // Whatever is left of this batch is read again from the cursor on the next page.
        exhausted = exhausted && b === batch[batch.length - 1];
        break;
      }
    }
  }
  return {
    hits,
    examined,
    ...(!exhausted && afterId ? { next: encodeSearchCursor({ s: r.siret, a: afterId, o: r.order }) } : {}),
  };
}
