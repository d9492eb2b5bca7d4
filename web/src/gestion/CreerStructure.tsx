import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import { messageOf } from '../api/problem';
import { usePageTitle } from '../ui/usePageTitle';
import {
  ESPACE_LABEL,
  ESPACES,
  type Espace,
  fieldMessage,
  idempotency,
  PARAMETRES,
  type Structure,
  send,
  useSiretCheck,
} from './common';
import { SiretField } from './SiretField';

type Parametres = Structure['parametresAnnuaire'];
const AUCUN: Parametres = {
  codeServiceObligatoire: false,
  engagementObligatoire: false,
  moaPresente: false,
  statutMiseEnPaiementRemonte: false,
};

/** Creating a structure: its creator becomes its gestionnaire principal (the SIRET is checked as typed). */
export default function CreerStructure() {
  usePageTitle('Créer une structure');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [siret, setSiret] = useState('');
  const [raisonSociale, setRaisonSociale] = useState('');
  const [type, setType] = useState<'PUBLIC' | 'PRIVE'>('PRIVE');
  const [parametres, setParametres] = useState<Parametres>(AUCUN);
  const [espaces, setEspaces] = useState<Espace[]>(['FACTURES_TRAVAUX']);
  const [service, setService] = useState({ code: '', libelle: '' });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const check = useSiretCheck(siret);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const created = await send(
        api.POST('/v1/structures', {
          params: { header: idempotency() },
          body: {
            siret: siret.trim(),
            raisonSociale,
            type,
            espaces,
            ...(type === 'PUBLIC' ? { parametresAnnuaire: parametres } : {}),
            ...(service.code.trim() ? { services: [{ code: service.code.trim(), libelle: service.libelle }] } : {}),
          },
        }),
      );
      await queryClient.invalidateQueries({ queryKey: ['moi'] });
      navigate(`/gestion/structures/${created.siret}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const message = (name: string) => fieldMessage(error, name);
  const general = error && !['siret', 'raisonSociale', 'services', 'directory'].some(message) ? messageOf(error) : null;

  return (
    <>
      <h1>Créer une structure</h1>
      <p>
        Vous en deviendrez le gestionnaire principal : vous accepterez les demandes de rattachement de vos collègues.
      </p>
      <form onSubmit={submit} noValidate className="ft-form-narrow">
        <SiretField label="SIRET" value={siret} onChange={setSiret} check={check} serverError={message('siret')} />
        <Input
          label="Raison sociale"
          state={message('raisonSociale') ? 'error' : 'default'}
          stateRelatedMessage={message('raisonSociale')}
          nativeInputProps={{
            name: 'raisonSociale',
            value: raisonSociale,
            maxLength: 200,
            onChange: (ev) => setRaisonSociale(ev.target.value),
          }}
        />
        <RadioButtons
          legend="Type de structure"
          name="type"
          options={[
            {
              label: 'Privée',
              hintText: 'Entreprise, maître d’œuvre privé…',
              nativeInputProps: { checked: type === 'PRIVE', onChange: () => setType('PRIVE') },
            },
            {
              label: 'Publique',
              hintText: 'Acheteur public, service financier : destinataire de factures, avec ses paramètres d’annuaire',
              nativeInputProps: { checked: type === 'PUBLIC', onChange: () => setType('PUBLIC') },
            },
          ]}
        />
        {type === 'PUBLIC' ? (
          <Checkbox
            legend="Paramètres d’annuaire"
            state={message('directory') ? 'error' : 'default'}
            stateRelatedMessage={message('directory')}
            options={PARAMETRES.map(([key, label]) => ({
              label,
              nativeInputProps: {
                name: key,
                checked: parametres[key],
                onChange: (ev) => setParametres({ ...parametres, [key]: ev.target.checked }),
              },
            }))}
          />
        ) : null}
        <Checkbox
          legend="Espaces activés"
          hintText="Vous y serez abonné en modification."
          options={ESPACES.map((espace) => ({
            label: ESPACE_LABEL[espace],
            nativeInputProps: {
              name: espace,
              checked: espaces.includes(espace),
              onChange: (ev) =>
                setEspaces(ev.target.checked ? [...espaces, espace] : espaces.filter((x) => x !== espace)),
            },
          }))}
        />
        <fieldset className="fr-fieldset">
          <legend className="fr-fieldset__legend">Premier service (facultatif)</legend>
          <div className="fr-fieldset__element">
            <Input
              label="Code service"
              state={message('services') ? 'error' : 'default'}
              stateRelatedMessage={message('services')}
              nativeInputProps={{
                value: service.code,
                maxLength: 100,
                onChange: (ev) => setService({ ...service, code: ev.target.value }),
              }}
            />
          </div>
          <div className="fr-fieldset__element">
            <Input
              label="Libellé du service"
              nativeInputProps={{
                value: service.libelle,
                maxLength: 200,
                onChange: (ev) => setService({ ...service, libelle: ev.target.value }),
              }}
            />
          </div>
        </fieldset>
        {general ? <Alert severity="error" small description={general} className="fr-mb-2w" /> : null}
        <Button type="submit" disabled={busy}>
          Créer la structure
        </Button>
      </form>
    </>
  );
}
