import { compressJson, decompressJson, type JsonFormat } from './compressed-json';

/**
 * How the dossier's state is stored on its META item (docs/DESIGN.md#the-table): compressed, as a binary attribute
 * (compressed-json.ts). The state (parties, parameters, every piece with its amounts) is 1.5–2.5 KB as a DynamoDB
 * map, rewritten by every decision and copied into both indexes; compressed it is ~300 bytes, so the META item stays
 * under 1 KB, the size of one write unit. Format `1`: the preset dictionary below, frozen. A state stored as a map
 * (the layout before this one) is read as it is; the next save of the dossier writes it in this format.
 */
const FORMAT_DEFLATE_DICTIONARY_1 = 1;

/**
 * The vocabulary of a dossier's state (property names and the most frequent values), that DEFLATE refers back to
 * instead of spelling them out in every item. Frozen: see above.
 */
const DICTIONARY_1 = Buffer.from(
  [
    '{"by":{"siret":"","role":"MOE"},"resumeState":"VALIDATION_MOA","on":"","documentsManquants":[],"completedOn":null,',
    '"solde":{"receptionNotifieeLe":"","projetDgTaciteLe":null,"dgNotifieLe":null,"dgdLe":null,"issueDg":null,',
    '"memoire":null,"reclamation":null,"sommesAdmisesCents":0,"pdfRecuMoeLe":null,"pdfRecuMoaLe":null},',
    '"etatAcompte":{"montantsValides":null},"complementInformation":null,"refusMotifs":null,"motifs":null,',
    '"validations":[{"niveau":1,"le":"","outcome":"VALIDEE_1","siret":""}],"refus":{"by":"","motif":"","on":""},',
    '"REFUSEE","REJETEE","SUSPENDUE","MANDATEE","PAYEE","REMPLACEE_PAR_A22","MISE_A_DISPOSITION","SERVICE_FAIT",',
    '"VALIDATION_MOE","TRAITEMENT_SERVICE_FINANCIER","COMPLEMENT_FOURNISSEUR","PRISE_EN_COMPTE_MOA",',
    '{"wait":{"lateSince":null,"since":""},"refus":null,"kind":"ACOMPTE_MENSUEL","origin":"TITULAIRE",',
    '"params":{"receptionDemandesPaiement":"MOE","circuit":"STANDARD","miseEnPaiementRemontee":true,',
    '"delaiMoeJours":7,"dgpJours":30,"ccagVersion":"2021","retenueGarantieBp":500},"suspensionUsed":false,',
    '"dgp":{"runsFrom":"","remainingDaysAtSuspension":null,"days":30,"suspendedOn":null,"startedOn":"",',
    '"echeance":""},"version":1,"openedAt":"","pieces":[{"numero":"","previousPieceId":null,"depositorSiret":"",',
    '"cadre":"A4","depositorRole":"MANDATAIRE","id":"","destinataire":{"siret":""},',
    '"montants":{"tvaCents":0,"htCents":0,"ttcCents":0},"depositedAt":"","status":"PRISE_EN_COMPTE_MOE"}],',
    '"currentPieceId":"","moeHorsDelai":false,"marcheId":"","parties":{"fournisseur":{"siret":"",',
    '"role":"MANDATAIRE"},"moe":{"siret":"","role":"MOE"},"moa":{"siret":"","role":"MOA"},',
    '"titulaire":{"siret":"","role":"MANDATAIRE"},"valideurs":[],"serviceFinancier":{"siret":""}},',
    '"closed":false,"solde":null,"id":"","state":"TRAITEMENT_SERVICE_FINANCIER","validations":[],',
    '"outcome":null,"suspension":null,"status":"SERVICE_FAIT","updatedAt":"2030-01-01T00:00:00.000Z"}',
  ].join(''),
);

const FORMAT_1: JsonFormat = { byte: FORMAT_DEFLATE_DICTIONARY_1, dictionary: DICTIONARY_1 };

/** The state as the META item stores it. */
export function encodeDossierState(state: unknown): Uint8Array {
  return compressJson(state, FORMAT_1);
}

/** The state from the META item's `state` attribute, in this format or as the map the previous layout stored. */
export function decodeDossierState(stored: unknown): unknown {
  return decompressJson(stored, [FORMAT_1]);
}

/** A META item (as read from the table or an index) with its state decoded. */
export function withDecodedState<T extends Record<string, unknown>>(item: T): T {
  return item.state instanceof Uint8Array ? { ...item, state: decodeDossierState(item.state) } : item;
}
