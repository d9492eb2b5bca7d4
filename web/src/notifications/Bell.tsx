import { useQuery } from '@tanstack/react-query';
import { unreadQuery } from './queries';

/**
 * The header's notifications link: its text says the unread count to every reader (a badge for the eye, the same
 * words for a screen reader). A failing count never breaks the header: the link stays, without a number.
 */
export function BellText() {
  const q = useQuery(unreadQuery);
  const n = q.data?.nonLues ?? 0;
  return (
    <span data-testid="cloche">
      Notifications
      {n > 0 ? (
        <>
          {' '}
          <span className="ft-unread" aria-hidden="true">
            {n > 99 ? '99+' : n}
          </span>
          <span className="fr-sr-only"> : {n === 1 ? '1 non lue' : `${n} non lues`}</span>
        </>
      ) : null}
    </span>
  );
}
