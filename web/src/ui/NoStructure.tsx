import { Alert } from '@codegouvfr/react-dsfr/Alert';

/** Shown by the structure's screens when the user is attached to none yet. */
export function NoStructure() {
  return (
    <Alert
      severity="info"
      title="Aucune structure rattachée"
      description="Votre demande de rattachement n’a pas encore été acceptée : le gestionnaire de votre structure doit la valider. Vous verrez alors ses dossiers ici."
    />
  );
}
