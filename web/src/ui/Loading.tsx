/** A polite "loading" line, announced to screen readers. */
export function Loading({ label = 'Chargement…' }: { label?: string }) {
  return (
    <p className="fr-text--sm" role="status" aria-live="polite">
      {label}
    </p>
  );
}
