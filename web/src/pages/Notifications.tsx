import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { components } from '../api/client';
import { markRead, notificationsPage } from '../notifications/queries';
import { ErrorNotice } from '../ui/ErrorNotice';
import { formatDateTime } from '../ui/format';
import { Loading } from '../ui/Loading';
import { usePageTitle } from '../ui/usePageTitle';

type Notification = components['schemas']['Notification'];

/**
 * « Notifications »: what the platform told the user, unread first; each opens its dossier (or structure) and can be
 * marked read. Opening it marks it read too.
 */
export default function Notifications() {
  usePageTitle('Notifications');
  const queryClient = useQueryClient();
  const q = useInfiniteQuery({
    queryKey: ['notifications', 'liste'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => notificationsPage(pageParam),
    getNextPageParam: (last) => last.curseur ?? undefined,
  });
  const read = useMutation({
    mutationFn: markRead,
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  });
  const items = q.data?.pages.flatMap((p) => p.notifications) ?? [];
  const unread = q.data?.pages[0]?.nonLues ?? 0;
  return (
    <>
      <h1>Notifications</h1>
      <p className="fr-text--lead">
        Ce qui vous attend et ce qui est arrivé à vos dossiers, les non lues d’abord.
        {q.data ? ` ${unread === 0 ? 'Aucune non lue.' : unread === 1 ? '1 non lue.' : `${unread} non lues.`}` : ''}
      </p>
      {q.isPending ? <Loading /> : null}
      {q.error ? <ErrorNotice error={q.error} /> : null}
      {read.error ? <ErrorNotice error={read.error} title="La notification n’a pas pu être marquée comme lue" /> : null}
      {q.data && items.length === 0 ? <p>Vous n’avez aucune notification.</p> : null}
      {items.length > 0 ? (
        <ul className="ft-notifications" data-testid="notifications">
          {items.map((n) => (
            <Item key={n.id} n={n} onRead={() => read.mutate(n.id)} busy={read.isPending} />
          ))}
        </ul>
      ) : null}
      {q.hasNextPage ? (
        <Button priority="secondary" onClick={() => q.fetchNextPage()} disabled={q.isFetchingNextPage}>
          Afficher les notifications suivantes
        </Button>
      ) : null}
    </>
  );
}

function Item({ n, onRead, busy }: { n: Notification; onRead: () => void; busy: boolean }) {
  return (
    <li className={n.lue ? 'ft-notification' : 'ft-notification ft-notification--unread'} data-lue={n.lue}>
      <h2 className="fr-h6 fr-mb-1v">
        {n.lue ? null : (
          <Badge severity="new" small noIcon className="fr-mr-1w">
            Non lue
          </Badge>
        )}
        {n.titre}
      </h2>
      <p className="fr-text--sm fr-mb-1v">
        Le {formatDateTime(n.le)}
        {n.numero ? ` · pièce ${n.numero}` : ''}
        {n.aAgir ? ' · action à faire' : ''}
      </p>
      {n.texte.map((t) => (
        <p key={t} className="fr-mb-1v">
          {t}
        </p>
      ))}
      <p className="fr-mb-0 ft-notification__actions">
        <Link to={n.lien} onClick={() => (n.lue ? undefined : onRead())}>
          {n.dossierId ? 'Ouvrir le dossier' : 'Ouvrir'}
          <span className="fr-sr-only"> : {n.titre}</span>
        </Link>
        {n.lue ? null : (
          <Button priority="tertiary" size="small" onClick={onRead} disabled={busy}>
            Marquer comme lue<span className="fr-sr-only"> : {n.titre}</span>
          </Button>
        )}
      </p>
    </li>
  );
}
