import type { IdentityStore } from '../adapters/dynamo/identity-store';
import type { MarcheStore, MarcheSummary, StoredMarche } from '../adapters/dynamo/marche-store';
import { newId } from '../adapters/ids';
import { DomainError } from '../domain/errors';
import { acteursOf, type Marche, type MarcheActeur, parseMarche } from '../domain/marche';
import { SPACES } from '../domain/roles';
import { assertAddresseeParameters, assertStructureActive, type Structure } from '../domain/structures';
import { type Actor, decideAccess, resolveActor } from './authorization';

/**
 * The fiche d'identité du marché (docs/rules/marche.md).
 *
 * Who may create (or amend) a marché — decision: the public buyer, i.e. an active user attached (APPROVED) to the
 * marché's MOA structure and subscribed to its « Factures de travaux » space in MODIFICATION; that structure must
 * exist and be active. The MOA and the service financier references (code service, engagement juridique) are
 * checked against their structures' directory parameters when those structures are registered
 * (`assertAddresseeParameters`). Other acteurs need not be registered yet: they can act once they are.
 * Who may read it: any user who may read the marché in either space (`resolveActor`, need 'read').
 */

export type MarcheInput = Record<string, unknown> & { readonly id?: string };

export class MarcheService {
  constructor(
    readonly marches: MarcheStore,
    readonly identity: IdentityStore,
  ) {}

  /** Creates the fiche (id generated when absent); the caller must be the MOA (see above). */
  async createMarche(
    input: { readonly userId: string; readonly marche: MarcheInput },
    now: Date,
  ): Promise<StoredMarche> {
    const marche = parseMarche({ ...input.marche, id: input.marche.id ?? newId(now) });
    await this.assertBuyer(input.userId, marche);
    const { version } = await this.marches.put(marche, { expectedVersion: 0, by: input.userId, now });
    const iso = now.toISOString();
    return { marche, version, createdAt: iso, createdBy: input.userId, updatedAt: iso };
  }

  /** Amends the fiche (avenant), written only if still at `expectedVersion`; the caller must be the MOA before and after. */
  async updateMarche(
    input: {
      readonly userId: string;
      readonly marcheId: string;
      readonly marche: MarcheInput;
      readonly expectedVersion: number;
    },
    now: Date,
  ): Promise<StoredMarche> {
    const current = await this.load(input.marcheId);
    if (current.version !== input.expectedVersion) {
      throw new DomainError(
        'VERSION_PERIMEE',
        `Le marché ${current.marche.numeroMarche} a été modifié entre-temps par une autre action : rechargez et recommencez.`,
        'STALE',
      );
    }
    const marche = parseMarche({ ...input.marche, id: input.marcheId });
    await this.assertBuyer(input.userId, current.marche);
    await this.assertBuyer(input.userId, marche);
    const { version } = await this.marches.put(marche, {
      expectedVersion: input.expectedVersion,
      by: input.userId,
      now,
      previous: current.marche,
    });
    return { ...current, marche, version, updatedAt: now.toISOString() };
  }

  /** The fiche, for a user who may read the marché in either space. */
  async getMarche(input: {
    readonly userId: string;
    readonly marcheId: string;
    readonly actingSiret?: string;
  }): Promise<StoredMarche & { readonly actor: Actor }> {
    const stored = await this.load(input.marcheId);
    let firstError: unknown;
    for (const space of SPACES) {
      try {
        const actor = await resolveActor(
          { userId: input.userId, marche: stored.marche, space, need: 'read', actingSiret: input.actingSiret },
          this.identity,
        );
        return { ...stored, actor };
      } catch (e) {
        firstError ??= e;
      }
    }
    throw firstError;
  }

  /** The marchés of a structure, for an approved member of it. */
  async marchesOfStructure(input: { readonly userId: string; readonly siret: string }): Promise<MarcheSummary[]> {
    const [user, membership] = await Promise.all([
      this.identity.getUser(input.userId),
      this.identity.getMembership(input.siret, input.userId),
    ]);
    if (!user?.active || membership?.status !== 'APPROVED') {
      throw new DomainError(
        'UTILISATEUR_NON_RATTACHE',
        `Vous n'êtes pas rattaché à la structure ${input.siret} : ses marchés ne vous sont pas visibles.`,
        'FORBIDDEN',
      );
    }
    return this.marches.marchesOfStructure(input.siret);
  }

  private async load(marcheId: string): Promise<StoredMarche> {
    const stored = await this.marches.get(marcheId);
    if (!stored) throw new DomainError('MARCHE_INCONNU', `Aucun marché d'identifiant ${marcheId}.`, 'NOT_FOUND');
    return stored;
  }

  /** The caller acts for the marché's MOA in MODIFICATION; the public acteurs' references fit their directories. */
  private async assertBuyer(userId: string, marche: Marche): Promise<void> {
    const moa = acteursOf(marche, 'MOA')[0]!; // parseMarche guarantees exactly one
    const [user, memberships, structure] = await Promise.all([
      this.identity.getUser(userId),
      this.identity.membershipsOfUser(userId),
      this.identity.getStructure(moa.siret),
    ]);
    const decision = decideAccess({
      userId,
      user,
      memberships,
      structures: structure ? [structure] : [],
      marche,
      space: 'FACTURES_TRAVAUX',
      need: 'act',
      actingSiret: moa.siret,
    });
    if (!decision.allowed) {
      throw new DomainError(
        'CREATION_MARCHE_RESERVEE_MOA',
        `Seul un utilisateur de la maîtrise d'ouvrage ${moa.raisonSociale} (${moa.siret}), abonné en modification à l'espace « Factures de travaux », peut créer ou modifier ce marché. ${decision.error.message}`,
        'FORBIDDEN',
      );
    }
    assertStructureActive(structure!);
    // docs/rules/structures.md#directory, docs/rules/marche.md: references the public buyer's directory makes mandatory
    assertReferences(moa, structure!);
    for (const sf of acteursOf(marche, 'SERVICE_FINANCIER')) {
      const s = sf.siret === moa.siret ? structure : await this.identity.getStructure(sf.siret);
      if (s) assertReferences(sf, s);
    }
  }
}

function assertReferences(acteur: MarcheActeur, structure: Structure): void {
  assertAddresseeParameters(structure, {
    codeService: acteur.codeService,
    engagementJuridique: acteur.engagementJuridique,
  });
}
