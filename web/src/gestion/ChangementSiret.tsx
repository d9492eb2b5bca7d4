import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import { ApiError, messageOf } from '../api/problem';
import { saveStructure } from '../auth/session';
import { formatSiret } from '../ui/format';
import { fieldMessage, idempotency, type Structure, send, useSiretCheck } from './common';
import { SiretField } from './SiretField';

/**
 * The SIRET change by copy (move of an establishment): the structure is deactivated and copied under the new SIRET
 * with its services, members and attachments, without the billing mandate and the technical account. Asked twice.
 */
export function ChangementSiret({ structure }: { structure: Structure }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [nouveau, setNouveau] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [step, setStep] = useState<'saisie' | 'confirmation'>('saisie');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const check = useSiretCheck(nouveau);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    if (step === 'saisie') {
      if (check.state === 'valide' && !check.existante) setStep('confirmation');
      return;
    }
    setBusy(true);
    try {
      const change = await send(
        api.POST('/v1/structures/{siret}/changement-siret', {
          params: {
            path: { siret: structure.siret },
            header: { ...idempotency(), 'If-Match': `"${structure.version}"` },
          },
          body: { nouveauSiret: nouveau.trim() },
        }),
      );
      saveStructure(change.nouvelle.siret);
      await queryClient.invalidateQueries();
      navigate(`/gestion/structures/${change.nouvelle.siret}`);
    } catch (err) {
      setError(err);
      setStep('saisie');
      setConfirmed(false);
      if (err instanceof ApiError && err.status === 412) {
        await queryClient.invalidateQueries({ queryKey: ['gestion-structure', structure.siret] });
      }
    } finally {
      setBusy(false);
    }
  };
  const siretError = fieldMessage(error, 'nouveauSiret');
  return (
    <section aria-labelledby="changement-siret-titre" className="fr-mb-6w">
      <h2 id="changement-siret-titre">Changement de SIRET</h2>
      <p>
        En cas de déménagement de l’établissement : la structure actuelle est désactivée et recopiée sous le nouveau
        SIRET, avec ses services, ses membres et leurs rattachements. Le mandat de facturation et le compte technique ne
        sont pas recopiés. Les pièces de la structure actuelle restent lisibles et peuvent encore être traitées.
      </p>
      <form onSubmit={submit} noValidate className="ft-form-narrow" data-testid="changement-siret">
        <SiretField
          label="Nouveau SIRET"
          name="nouveauSiret"
          value={nouveau}
          onChange={(v) => {
            setNouveau(v);
            setStep('saisie');
            setConfirmed(false);
          }}
          check={check}
          serverError={siretError}
        />
        {step === 'confirmation' ? (
          <>
            <Alert
              severity="warning"
              small
              description={`La structure ${structure.raisonSociale} (${formatSiret(structure.siret)}) sera désactivée et remplacée par une copie sous le SIRET ${formatSiret(nouveau.trim())}. Cette opération ne s’annule pas.`}
              className="fr-mb-2w"
            />
            <Checkbox
              options={[
                {
                  label: `Je confirme le changement de SIRET vers ${formatSiret(nouveau.trim())}`,
                  nativeInputProps: { checked: confirmed, onChange: (ev) => setConfirmed(ev.target.checked) },
                },
              ]}
            />
          </>
        ) : null}
        {error && !siretError ? (
          <Alert severity="error" small description={messageOf(error)} className="fr-mb-2w" />
        ) : null}
        <Button
          type="submit"
          priority={step === 'confirmation' ? 'primary' : 'secondary'}
          disabled={busy || (step === 'saisie' ? check.state !== 'valide' || !!check.existante : !confirmed)}
        >
          {step === 'confirmation' ? 'Confirmer le changement de SIRET' : 'Continuer'}
        </Button>
      </form>
    </section>
  );
}
