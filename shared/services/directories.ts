import { type Action, addresseeSetBy, type Dossier } from '../domain/circuits';
import type { Marche } from '../domain/marche';
import { assertAddresseeParameters } from '../domain/structures';
import { buyerSirets } from './buyer-params';
import type { IdentityReads } from './decisions';

/**
 * The directories a decision's rules read (docs/rules/structures.md#directory), in ONE read where they are several:
 * the addressee's, whose mandatory references a deposit must carry, and for a new dossier the MOA's and the service
 * financier's, whose parameters choose its circuit (buyer-params.ts). A first deposit read them with one Query each.
 */
export async function readDirectories(
  identity: IdentityReads,
  marche: Marche,
  dossier: Dossier | undefined,
  action: Action | undefined,
): Promise<void> {
  const wanted = new Map<string, string | undefined>();
  if (!dossier) {
    for (const siret of Object.values(buyerSirets(marche))) if (siret) wanted.set(siret, undefined);
  }
  const addressee = action ? addresseeSetBy(marche, dossier, action) : undefined;
  // The one service the addressee check looks for: its code as the check compares it (trimmed)
  if (addressee) wanted.set(addressee.siret, addressee.codeService?.trim() || undefined);
  await identity.preload([...wanted].map(([siret, serviceCode]) => (serviceCode ? { siret, serviceCode } : { siret })));
}

/**
 * A deposit addressed to a public structure is refused when a reference its directory makes mandatory is missing:
 * checked when the addressee is set, against the structure's parameters of the day (they may have changed since
 * the marché was set up). An addressee not registered here has no directory to check.
 */
export async function assertAddressee(
  marche: Marche,
  dossier: Dossier | undefined,
  action: Action,
  identity: IdentityReads,
): Promise<void> {
  const target = addresseeSetBy(marche, dossier, action);
  if (!target) return;
  const structure = await identity.getStructure(target.siret);
  if (structure?.type !== 'PUBLIC') return;
  assertAddresseeParameters(structure, {
    codeService: target.codeService,
    engagementJuridique: target.engagementJuridique,
  });
}
