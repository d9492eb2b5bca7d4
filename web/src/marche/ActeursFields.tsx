import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import type { FieldMessage } from './errors';
import { type ActeurForm, emptyActeur, ROLE_OPTIONS, type RoleMarche } from './fiche-form';

const roleLabel = (role: RoleMarche) => ROLE_OPTIONS.find(([r]) => r === role)?.[1] ?? role;
const state = (message: string | undefined) => (message ? ('error' as const) : ('default' as const));

/** The acteurs of the marché: one group of fields each; the fields a role needs appear with it. */
export function ActeursFields({
  acteurs,
  onChange,
  message,
}: {
  acteurs: readonly ActeurForm[];
  onChange: (next: readonly ActeurForm[]) => void;
  message: FieldMessage;
}) {
  const set = (i: number, patch: Partial<ActeurForm>) =>
    onChange(acteurs.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  const groupError = message('acteurs');
  return (
    <fieldset className="fr-fieldset" aria-labelledby="acteurs-legend" data-testid="acteurs">
      <legend className="fr-fieldset__legend" id="acteurs-legend">
        Acteurs du marché
        <span className="fr-hint-text">
          Un maître d’ouvrage exactement, un titulaire (ou le mandataire d’un groupement), et les autres parties.
        </span>
      </legend>
      {groupError ? (
        <div className="fr-fieldset__element">
          <p className="fr-error-text" id="acteurs-erreur">
            {groupError}
          </p>
        </div>
      ) : null}
      {acteurs.map((a, i) => {
        const m = (field: string) => message(`acteurs.${i}.${field}`);
        const validated = a.role === 'SOUS_TRAITANT' || a.role === 'COTRAITANT';
        const n = i + 1;
        return (
          <fieldset key={a.key} className="fr-fieldset ft-acteur" aria-label={`Acteur ${n} : ${roleLabel(a.role)}`}>
            <legend className="fr-fieldset__legend fr-text--md">
              Acteur {n} : {roleLabel(a.role)}
            </legend>
            <div className="fr-fieldset__element">
              <Select
                label={`Rôle de l’acteur ${n}`}
                state={state(m('role'))}
                stateRelatedMessage={m('role')}
                nativeSelectProps={{
                  value: a.role,
                  onChange: (ev) => set(i, { role: ev.target.value as RoleMarche }),
                }}
              >
                {ROLE_OPTIONS.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </Select>
            </div>
            <div className="fr-fieldset__element">
              <Input
                label={`SIRET de l’acteur ${n}`}
                hintText="14 chiffres"
                state={state(m('siret'))}
                stateRelatedMessage={m('siret')}
                nativeInputProps={{
                  value: a.siret,
                  inputMode: 'numeric',
                  maxLength: 20,
                  onChange: (ev) => set(i, { siret: ev.target.value }),
                }}
              />
            </div>
            <div className="fr-fieldset__element">
              <Input
                label={`Raison sociale de l’acteur ${n}`}
                state={state(m('raisonSociale'))}
                stateRelatedMessage={m('raisonSociale')}
                nativeInputProps={{
                  value: a.raisonSociale,
                  maxLength: 200,
                  onChange: (ev) => set(i, { raisonSociale: ev.target.value }),
                }}
              />
            </div>
            <div className="fr-fieldset__element fr-fieldset__element--inline">
              <Input
                label={`Code service (acteur ${n})`}
                hintText="Si l’annuaire l’exige"
                state={state(m('codeService'))}
                stateRelatedMessage={m('codeService')}
                nativeInputProps={{
                  value: a.codeService,
                  maxLength: 100,
                  onChange: (ev) => set(i, { codeService: ev.target.value }),
                }}
              />
            </div>
            <div className="fr-fieldset__element fr-fieldset__element--inline">
              <Input
                label={`Engagement juridique (acteur ${n})`}
                hintText="Si l’annuaire l’exige"
                state={state(m('engagementJuridique'))}
                stateRelatedMessage={m('engagementJuridique')}
                nativeInputProps={{
                  value: a.engagementJuridique,
                  maxLength: 100,
                  onChange: (ev) => set(i, { engagementJuridique: ev.target.value }),
                }}
              />
            </div>
            {validated ? (
              <>
                <div className="fr-fieldset__element">
                  <Input
                    label={`SIRET du valideur (acteur ${n})`}
                    hintText="La structure qui valide ses pièces en premier : titulaire, mandataire ou cotraitant"
                    state={state(m('valideurSiret'))}
                    stateRelatedMessage={m('valideurSiret')}
                    nativeInputProps={{
                      value: a.valideurSiret,
                      inputMode: 'numeric',
                      maxLength: 20,
                      onChange: (ev) => set(i, { valideurSiret: ev.target.value }),
                    }}
                  />
                </div>
                <div className="fr-fieldset__element">
                  <Input
                    label={`SIRET du second valideur (acteur ${n}, facultatif)`}
                    hintText="Le mandataire, pour le sous-traitant d’un cotraitant"
                    state={state(m('valideur2Siret'))}
                    stateRelatedMessage={m('valideur2Siret')}
                    nativeInputProps={{
                      value: a.valideur2Siret,
                      inputMode: 'numeric',
                      maxLength: 20,
                      onChange: (ev) => set(i, { valideur2Siret: ev.target.value }),
                    }}
                  />
                </div>
              </>
            ) : null}
            {a.role === 'SOUS_TRAITANT' ? (
              <>
                <div className="fr-fieldset__element">
                  <Checkbox
                    state={state(m('paiementDirect'))}
                    stateRelatedMessage={m('paiementDirect')}
                    options={[
                      {
                        label: `Paiement direct (acteur ${n})`,
                        nativeInputProps: {
                          checked: a.paiementDirect,
                          onChange: (ev) => set(i, { paiementDirect: ev.target.checked }),
                        },
                      },
                    ]}
                  />
                </div>
                <div className="fr-fieldset__element">
                  <Input
                    label={`Montant sous-traité TTC accepté (acteur ${n})`}
                    hintText="En euros, par exemple 48 000,00"
                    state={state(m('montantSousTraiteTtc'))}
                    stateRelatedMessage={m('montantSousTraiteTtc')}
                    nativeInputProps={{
                      value: a.montantSousTraiteTtc,
                      inputMode: 'decimal',
                      maxLength: 30,
                      onChange: (ev) => set(i, { montantSousTraiteTtc: ev.target.value }),
                    }}
                  />
                </div>
              </>
            ) : null}
            <div className="fr-fieldset__element">
              <Button
                type="button"
                priority="tertiary"
                size="small"
                iconId="fr-icon-delete-line"
                disabled={acteurs.length <= 1}
                onClick={() => onChange(acteurs.filter((_, j) => j !== i))}
              >
                Retirer l’acteur {n}
              </Button>
            </div>
          </fieldset>
        );
      })}
      <div className="fr-fieldset__element">
        <Button
          type="button"
          priority="secondary"
          iconId="fr-icon-add-line"
          disabled={acteurs.length >= 100}
          onClick={() => onChange([...acteurs, emptyActeur('SOUS_TRAITANT')])}
        >
          Ajouter un acteur
        </Button>
      </div>
    </fieldset>
  );
}
