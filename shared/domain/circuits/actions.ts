import { fr } from 'zod/locales';
import * as z from 'zod/mini';
import { type CalendarDate, isCalendarDate } from '../calendar';
import { DomainError } from '../errors';
import { pure } from '../pure';
import { DOSSIER_STATES } from './states';

/**
 * What an actor asks of a dossier. Legal acts keep their French names (docs/rules/README.md). The cadre of a
 * follow-up piece is implied by the action and the actor's role (docs/rules/cadres.md); when a piece input names its
 * cadre anyway, it must be that one.
 */
// mini's refine does not narrow the output type as classic's does with a type guard: said here
const calendarDateSchema = /* @__PURE__ */ pure(() =>
  z.string().check(z.refine(isCalendarDate, { message: 'date attendue au format AAAA-MM-JJ' })),
) as unknown as z.ZodMiniType<CalendarDate, string>;
const cents = /* @__PURE__ */ pure(() =>
  z.number().check(z.int(), z.refine(Number.isSafeInteger, { message: 'montant en centimes hors limites' })),
);

export const montantsSchema = /* @__PURE__ */ pure(() =>
  z.object({ htCents: cents, tvaCents: cents, ttcCents: cents }),
);

const pieceInput = /* @__PURE__ */ pure(() =>
  z.object({
    id: z.string().check(z.minLength(1)),
    numero: z.string(),
    cadre: z.optional(z.string()),
    montants: z.optional(montantsSchema),
    /** The lines of an état d'acompte, checked by checkEtatAcompte (etat-acompte.ts) with the marché's retenue. */
    etatAcompte: z.optional(z.unknown()),
  }),
);
const pieceWithMontants = /* @__PURE__ */ pure(() => z.extend(pieceInput, { montants: montantsSchema }));
const texte = /* @__PURE__ */ pure(() => z.string().check(z.trim(), z.minLength(1)));
/** Length of a valideur's « Complément d'information » (Chorus Pro: a free message on the validation). */
export const COMPLEMENT_MAX = 2000;

export const actionSchema = /* @__PURE__ */ pure(() =>
  z.discriminatedUnion('type', [
    // First piece of a dossier (A4, A7, A9, A10, A12, A13, A14)
    z.object({
      type: z.literal('DEPOSER'),
      dossierId: z.string().check(z.minLength(1)),
      piece: z.extend(pieceInput, { cadre: z.string() }),
      /** A7 / A14: day the réception decision was notified (CCAG-T 2014 art. 13.3.2), to check the 30 days. */
      receptionNotifieeLe: z.optional(calendarDateSchema),
      /** A7 / A14: day the MOA received the projet de décompte final when not the day it reached the MOE. */
      pdfRecuMoaLe: z.optional(calendarDateSchema),
    }),
    // Valideur (titulaire, cotraitant, mandataire) on a sous-traitant or cotraitant piece
    // « Complément d'information »: the valideur's optional message, shown to everyone on the dossier
    z.object({
      type: z.literal('VALIDER'),
      complementInformation: z.optional(texte.check(z.maxLength(COMPLEMENT_MAX))),
    }),
    z.object({ type: z.literal('REFUSER'), motifs: texte }),
    // MOE
    z.object({ type: z.literal('DEPOSER_ETAT_ACOMPTE'), piece: pieceWithMontants }),
    z.object({ type: z.literal('REFUSER_MOE'), motif: z.string(), commentaire: z.optional(z.string()) }),
    z.object({ type: z.literal('DEPOSER_PROJET_DECOMPTE_GENERAL'), piece: pieceInput }),
    // Fournisseur after the MOE's silence
    z.object({ type: z.literal('SAISIR_MOA_DIRECTEMENT') }),
    // MOA
    z.object({
      type: z.literal('VALIDER_ETAT_ACOMPTE'),
      piece: pieceWithMontants,
      destinataire: z.optional(
        z.object({
          siret: z.string(),
          codeService: z.optional(z.string()),
          engagementJuridique: z.optional(z.string()),
        }),
      ),
    }),
    z.object({ type: z.literal('REFUSER_MOA'), motif: z.string(), commentaire: z.optional(z.string()) }),
    // MOA, marché without a MOE: validates the titulaire's état d'acompte (A5), amounts corrected if need be
    z.object({
      type: z.literal('VALIDER_ETAT_ACOMPTE_FOURNISSEUR'),
      montants: z.optional(montantsSchema),
      commentaire: z.optional(z.string().check(z.maxLength(2000))),
    }),
    // Titulaire, marché without a MOE: the état d'acompte validé (A6), to the service financier
    z.object({ type: z.literal('DEPOSER_ETAT_ACOMPTE_VALIDE'), piece: pieceWithMontants }),
    z.object({ type: z.literal('NOTIFIER_DECOMPTE_GENERAL'), piece: pieceInput }),
    // Titulaire on the DG, and the tacit procedure
    z.object({ type: z.literal('SIGNER_DG'), piece: pieceInput }),
    z.object({
      type: z.literal('SIGNER_DG_AVEC_RESERVES'),
      piece: pieceInput,
      memoireReclamation: texte,
      sommesAdmisesCents: cents.check(z.refine((n) => n >= 0, { message: 'montant positif ou nul attendu' })),
    }),
    z.object({ type: z.literal('REFUSER_DG'), motifs: texte }),
    z.object({ type: z.literal('DEPOSER_PROJET_DG_TACITE'), piece: pieceInput }),
    z.object({ type: z.literal('DEPOSER_DGD_TACITE'), piece: pieceInput }),
    // Service financier
    z.object({ type: z.literal('SERVICE_FAIT') }),
    z.object({ type: z.literal('MANDATER') }),
    z.object({ type: z.literal('METTRE_EN_PAIEMENT') }),
    z.object({ type: z.literal('SUSPENDRE'), documentsManquants: z.array(texte) }),
    z.object({ type: z.literal('METTRE_A_RECYCLER'), motif: texte }),
    z.object({ type: z.literal('REJETER'), motif: texte }),
    // Fournisseur / depositor after the service financier
    // The answer to a suspension, with the files added to the suspended piece (their SHA-256 go into the trail)
    z.object({
      type: z.literal('COMPLETER'),
      documents: z.array(texte),
      fichiers: z.optional(
        z.array(z.object({ id: z.string().check(z.minLength(1)), nom: z.string(), sha256: z.string() })),
      ),
    }),
    z.object({
      type: z.literal('RECYCLER'),
      siret: z.optional(z.string()),
      codeService: z.optional(z.string()),
      engagementJuridique: z.optional(z.string()),
    }),
    // System: the deadline of the current wait has passed
    z.object({ type: z.literal('DELAI_EXPIRE'), step: z.optional(z.enum(DOSSIER_STATES)) }),
  ]),
);

/** What a caller sends (dates as plain `YYYY-MM-DD` strings). */
export type Action = z.input<typeof actionSchema>;
/** What the handlers receive once parsed (dates as `CalendarDate`). */
export type ParsedAction = z.output<typeof actionSchema>;
export type ActionType = Action['type'];
export type ActionOf<T extends ActionType> = Extract<ParsedAction, { type: T }>;
export type PieceInput = z.input<typeof pieceInput>;

/**
 * Built in `pure` like the schemas: a function that only takes a constant of this module (PIECE_ACTION_TYPES, the
 * motifs) or `montantsSchema` then leaves `actionSchema` out of its bundle (docs/DESIGN.md#what-a-cold-start-pays).
 */
export const ACTION_TYPES = /* @__PURE__ */ pure(
  () => actionSchema.def.options.map((o) => o.shape.type.def.values[0]) as readonly ActionType[],
);

/**
 * The follow-up actions that deposit a piece (« Déposer la pièce suivante »; docs/rules/cadres.md,
 * docs/rules/circuits.md): each carries the piece it names; the circuit checks the rest.
 */
export const PIECE_ACTION_TYPES = [
  'DEPOSER_ETAT_ACOMPTE',
  'VALIDER_ETAT_ACOMPTE',
  'DEPOSER_ETAT_ACOMPTE_VALIDE',
  'DEPOSER_PROJET_DECOMPTE_GENERAL',
  'NOTIFIER_DECOMPTE_GENERAL',
  'SIGNER_DG',
  'SIGNER_DG_AVEC_RESERVES',
  'DEPOSER_PROJET_DG_TACITE',
  'DEPOSER_DGD_TACITE',
] as const satisfies readonly Extract<Action, { piece: unknown }>['type'][];
export type PieceActionType = (typeof PIECE_ACTION_TYPES)[number];

/**
 * Whether an action sends a piece (one of PIECE_ACTION_TYPES): it names one of the structure's drafts and goes
 * through the piece's « envoyer ». The API says it of each action it offers (`envoieUnePiece`).
 */
export function isPieceAction(type: string): type is PieceActionType {
  return (PIECE_ACTION_TYPES as readonly string[]).includes(type);
}

/** The only fields a recycled piece may change (Chorus Pro « recycler »; docs/rules/circuits.md#service-financier). */
export const RECYCLABLE_FIELDS = ['siret', 'codeService', 'engagementJuridique'] as const;

/** MOE / MOA refusal reasons (Chorus Pro community, MOE good practice; docs/rules/circuits.md#refusals). */
export const MOTIFS_REFUS = ['MAUVAIS_MARCHE', 'MAUVAIS_DESTINATAIRE', 'DONNEES_OBLIGATOIRES_MANQUANTES'] as const;
export type MotifRefus = (typeof MOTIFS_REFUS)[number];
/** Chorus Pro KB0011867: a refusal for an amount error is blocked since 19/02/2025; the amount is corrected. */
export const MOTIFS_MONTANT = ['ERREUR_MONTANT', 'ERREUR_DE_MONTANT', 'MONTANT'] as const;

let frenchMessages: z.core.$ZodErrorMap | undefined;
/** zod's French messages, built when an action first fails to parse. */
const frenchErrors: z.core.$ZodErrorMap = (issue) => {
  frenchMessages ??= fr().localeError;
  return frenchMessages(issue);
};

/** Parses an action; a malformed one is a `DomainError` ACTION_INVALIDE listing every fault. */
export function parseAction(input: unknown): ParsedAction {
  if (isObject(input) && input.type === 'RECYCLER') {
    const extra = Object.keys(input).filter(
      (k) => k !== 'type' && !(RECYCLABLE_FIELDS as readonly string[]).includes(k),
    );
    if (extra.length > 0) {
      // Chorus Pro « recycler »: only SIRET, code service and engagement juridique may change
      const message = `Un recyclage ne peut modifier que le SIRET, le code service et le numéro d'engagement ; retirez : ${extra.join(', ')}. Pour changer autre chose, déposez une nouvelle pièce.`;
      throw new DomainError('RECYCLAGE_CHAMP_NON_MODIFIABLE', message, 'INVALID', [
        ...extra.map((path) => ({ path, message })),
      ]);
    }
  }
  const result = actionSchema.safeParse(input, { error: frenchErrors });
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || 'action',
    message: i.message,
  }));
  throw new DomainError(
    'ACTION_INVALIDE',
    `Demande incomplète ou mal formée : ${fields.map((f) => `${f.path} : ${f.message}`).join(' ; ')}.`,
    'INVALID',
    fields,
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
