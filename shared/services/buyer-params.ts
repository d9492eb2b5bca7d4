import type { IdentityStore } from '../adapters/dynamo/identity-store';
import { type BuyerParams, DEFAULT_BUYER_PARAMS } from '../domain/circuits';
import { acteursOf, type Marche } from '../domain/marche';

/**
 * The buyer's directory parameters that choose a new dossier's circuit (shared/domain/circuits/organisation.ts),
 * read from the directory of the day: « MOA présente » from the MOA's structure, « statut mise en paiement
 * remonté » from the service financier's. A structure that is not registered here, or not public, has no directory
 * parameters: the defaults apply (MOA present, mise en paiement reported).
 */
export async function buyerParamsOf(
  marche: Marche,
  identity: Pick<IdentityStore, 'getStructure'>,
): Promise<BuyerParams> {
  const publicDirectory = async (siret: string | undefined) => {
    if (!siret) return undefined;
    const structure = await identity.getStructure(siret);
    return structure?.type === 'PUBLIC' ? structure.directory : undefined;
  };
  const buyer = buyerSirets(marche);
  const [moa, sf] = await Promise.all([publicDirectory(buyer.moa), publicDirectory(buyer.serviceFinancier)]);
  return {
    moaPresente: moa?.moaPresente ?? DEFAULT_BUYER_PARAMS.moaPresente,
    statutMiseEnPaiementRemonte: sf?.statutMiseEnPaiementRemonte ?? DEFAULT_BUYER_PARAMS.statutMiseEnPaiementRemonte,
  };
}

/** The structures whose directories choose a new dossier's circuit: the marché's MOA and service financier. */
export function buyerSirets(marche: Marche): { moa?: string; serviceFinancier?: string } {
  return {
    moa: acteursOf(marche, 'MOA')[0]?.siret,
    serviceFinancier: acteursOf(marche, 'SERVICE_FINANCIER')[0]?.siret,
  };
}
