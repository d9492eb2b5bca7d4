import { Input } from '@codegouvfr/react-dsfr/Input';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { Select } from '@codegouvfr/react-dsfr/Select';
import type { ReactNode } from 'react';
import type { FieldMessage } from './errors';
import { type FacturationCotraitants, type FicheForm, type ModeGroupement, TYPE_ACHETEUR_OPTIONS } from './fiche-form';

type Text = {
  [K in keyof FicheForm]: FicheForm[K] extends string ? K : never;
}[keyof FicheForm];

const CCAG_OPTIONS = [
  ['2021', 'CCAG Travaux 2021'],
  ['2009', 'CCAG Travaux 2009 (modifié en 2014)'],
] as const satisfies readonly (readonly [FicheForm['ccagVersion'], string])[];

const GROUPEMENT_OPTIONS = [
  ['NONE', 'Pas de groupement'],
  ['CONJOINT', 'Groupement conjoint'],
  ['SOLIDAIRE', 'Groupement solidaire'],
] as const satisfies readonly (readonly [ModeGroupement, string])[];

const state = (message: string | undefined) => (message ? ('error' as const) : ('default' as const));

/** The fiche's own fields (everything but the acteurs), each with the API's message for it. */
export function FicheFields({
  fiche,
  onChange,
  message,
}: {
  fiche: FicheForm;
  onChange: (patch: Partial<FicheForm>) => void;
  message: FieldMessage;
}) {
  const input = (
    name: Text,
    label: string,
    options: {
      hint?: ReactNode;
      inputMode?: 'numeric' | 'decimal';
      maxLength?: number;
      type?: string;
      /** The API's name for the field, when it differs from the form's. */
      path?: string;
    } = {},
  ) => (
    <div className="fr-fieldset__element">
      <Input
        label={label}
        hintText={options.hint}
        state={state(message(options.path ?? name))}
        stateRelatedMessage={message(options.path ?? name)}
        nativeInputProps={{
          name,
          value: fiche[name] as string,
          maxLength: options.maxLength ?? 30,
          ...(options.inputMode ? { inputMode: options.inputMode } : {}),
          ...(options.type ? { type: options.type } : {}),
          onChange: (ev) => onChange({ [name]: ev.target.value }),
        }}
      />
    </div>
  );
  /** A two-row text area (the API's name for the field is the form's). */
  const textArea = (name: Text, label: string, options: { hint?: ReactNode; maxLength: number }) => (
    <div className="fr-fieldset__element">
      <Input
        label={label}
        hintText={options.hint}
        textArea
        state={state(message(name))}
        stateRelatedMessage={message(name)}
        nativeTextAreaProps={{
          name,
          value: fiche[name] as string,
          maxLength: options.maxLength,
          rows: 2,
          onChange: (ev) => onChange({ [name]: ev.target.value }),
        }}
      />
    </div>
  );
  /** A list of choices; `path`: the API's name for the field, when it differs from the form's. */
  const select = <K extends Text>(
    name: K,
    label: string,
    choices: readonly (readonly [FicheForm[K], string])[],
    options: { hint?: string; path?: string } = {},
  ) => (
    <div className="fr-fieldset__element">
      <Select
        label={label}
        hint={options.hint}
        state={state(message(options.path ?? name))}
        stateRelatedMessage={message(options.path ?? name)}
        nativeSelectProps={{
          name,
          value: fiche[name] as string,
          onChange: (ev) => onChange({ [name]: ev.target.value } as Partial<FicheForm>),
        }}
      >
        {choices.map(([value, text]) => (
          <option key={String(value)} value={String(value)}>
            {text}
          </option>
        ))}
      </Select>
    </div>
  );
  return (
    <>
      <fieldset className="fr-fieldset" aria-labelledby="marche-legend">
        <legend className="fr-fieldset__legend" id="marche-legend">
          Le marché
        </legend>
        {input('numeroMarche', 'Numéro du marché', { maxLength: 100 })}
        {textArea('objet', 'Objet', { maxLength: 1000 })}
        {textArea('lots', 'Lots (facultatif)', { hint: 'Un lot par ligne', maxLength: 20_000 })}
        {input('dateNotification', 'Date de notification (facultative)', { type: 'date', maxLength: 10 })}
        {select('ccagVersion', 'CCAG applicable', CCAG_OPTIONS)}
        {select('typeAcheteur', 'Type d’acheteur', TYPE_ACHETEUR_OPTIONS, {
          hint: 'Il fixe le plafond du délai de paiement (CCP R2192-10 et R2192-11).',
        })}
      </fieldset>
      <fieldset className="fr-fieldset" aria-labelledby="finances-legend">
        <legend className="fr-fieldset__legend" id="finances-legend">
          Montants, taux et délais
        </legend>
        {input('montantInitialHt', 'Montant initial HT', {
          hint: 'En euros, par exemple 684 500,00',
          inputMode: 'decimal',
        })}
        {input('tauxTva', 'Taux de TVA', {
          hint: 'En pourcentage ; plusieurs taux séparés par « ; », par exemple 20 ; 5,5',
          maxLength: 100,
        })}
        {input('retenueGarantie', 'Retenue de garantie', { hint: 'En pourcentage, 5 au plus', inputMode: 'decimal' })}
        {input('avanceTaux', 'Taux de l’avance (facultatif)', {
          hint: 'En pourcentage',
          inputMode: 'decimal',
          path: 'avance',
        })}
        {input('dgpJours', 'Délai global de paiement', { hint: 'En jours', inputMode: 'numeric', maxLength: 4 })}
        {input('delaiMoeJours', 'Délai du maître d’œuvre', {
          hint: 'En jours, 15 au plus (7 à défaut)',
          inputMode: 'numeric',
          maxLength: 4,
        })}
        {input('rappelJoursAvant', 'Rappel avant chaque échéance', {
          hint: 'En jours, de 1 à 15 (3 à défaut) : les acteurs attendus sont prévenus ce nombre de jours avant',
          inputMode: 'numeric',
          maxLength: 2,
        })}
        <div className="fr-fieldset__element">
          <RadioButtons
            legend="Les demandes de paiement sont reçues par"
            name="receptionDemandesPaiement"
            state={state(message('receptionDemandesPaiement'))}
            stateRelatedMessage={message('receptionDemandesPaiement')}
            options={[
              {
                label: 'Le maître d’œuvre',
                nativeInputProps: {
                  checked: fiche.receptionDemandesPaiement === 'MOE',
                  onChange: () => onChange({ receptionDemandesPaiement: 'MOE' }),
                },
              },
              {
                label: 'Le maître d’ouvrage',
                nativeInputProps: {
                  checked: fiche.receptionDemandesPaiement === 'MOA',
                  onChange: () => onChange({ receptionDemandesPaiement: 'MOA' }),
                },
              },
            ]}
          />
        </div>
      </fieldset>
      <fieldset className="fr-fieldset" aria-labelledby="groupement-legend">
        <legend className="fr-fieldset__legend" id="groupement-legend">
          Groupement d’entreprises
        </legend>
        {select('groupementMode', 'Forme du groupement', GROUPEMENT_OPTIONS, { path: 'groupement' })}
        {fiche.groupementMode !== 'NONE' ? (
          <div className="fr-fieldset__element">
            <Select
              label="Facturation des cotraitants"
              nativeSelectProps={{
                name: 'facturationCotraitants',
                value: fiche.facturationCotraitants,
                onChange: (ev) => onChange({ facturationCotraitants: ev.target.value as FacturationCotraitants }),
              }}
            >
              <option value="PIECES_PROPRES_VALIDEES_PAR_MANDATAIRE">
                Chaque cotraitant dépose ses pièces, validées par le mandataire
              </option>
              <option value="DEMANDE_GLOBALE_MANDATAIRE">Le mandataire dépose une demande globale</option>
            </Select>
          </div>
        ) : null}
      </fieldset>
    </>
  );
}
