import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { messageOf } from '../api/problem';

/** An error as a DSFR alert, in French, never raw JSON nor a stack. */
export function ErrorNotice({
  error,
  title = 'Cette information n’a pas pu être chargée',
}: {
  error: unknown;
  title?: string;
}) {
  return <Alert severity="error" title={title} description={messageOf(error)} className="fr-mb-4w" />;
}
