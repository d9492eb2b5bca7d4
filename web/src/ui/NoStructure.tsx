import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Link } from 'react-router';

/** Shown by the structure's screens when the user is attached to none yet. */
export function NoStructure() {
  return (
    <Alert
      severity="info"
      title="Aucune structure rattachée"
      description={
        <>
          Votre demande de rattachement n’a pas encore été acceptée, ou vous n’en avez pas fait : le gestionnaire de
          votre structure doit la valider, vous verrez alors ses dossiers ici. Pour demander un rattachement ou créer
          votre structure : <Link to="/gestion">Activités du gestionnaire</Link>.
        </>
      }
    />
  );
}
