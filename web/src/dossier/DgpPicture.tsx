import type { components } from '../api/client';
import { formatDate, formatDays, formatEuros as formatEurosCents } from '../ui/format';
import { amountCents } from './labels';
import {
  HOLDER_COLOURS,
  HOLDER_LABELS,
  type Holder,
  LATE_COLOUR,
  MARKER_LABELS,
  STATUT_LABELS,
  timelineOf,
} from './timeline';

type Delai = components['schemas']['DelaiGlobalDePaiement'];

const HOLDERS: readonly Holder[] = ['MOE', 'MOA', 'SERVICE_FINANCIER'];
const BAR_Y = 34;
const BAR_H = 26;

/**
 * The délai global de paiement as a picture: a horizontal timeline, one colour per holder, the suspension as a gap,
 * the échéance and today as markers, the late days in red; beside it the figures, and the same periods as a table
 * for screen readers (the SVG itself is one labelled image). Every figure is the API's.
 */
export function DgpPicture({ delai }: { delai: Delai }) {
  const t = timelineOf(delai);
  const late = delai.joursDeRetard > 0;
  return (
    <section aria-labelledby="dgp-titre" className="fr-mb-6w" data-testid="dgp">
      <h2 id="dgp-titre">Délai global de paiement</h2>
      <p>
        <strong>{STATUT_LABELS[delai.statut]}</strong>
        {delai.debut ? <> · départ le {formatDate(delai.debut)}</> : null}
        {delai.echeance ? <> · échéance le {formatDate(delai.echeance)}</> : null}
      </p>
      {t ? (
        <svg
          viewBox="0 0 1000 110"
          width="100%"
          role="img"
          aria-labelledby="dgp-svg-titre dgp-svg-desc"
          className="ft-dgp-svg"
          data-testid="dgp-svg"
        >
          <title id="dgp-svg-titre">Frise du délai global de paiement</title>
          <desc id="dgp-svg-desc">{summary(delai)}</desc>
          <rect x={0} y={BAR_Y} width={1000} height={BAR_H} fill="#f6f6f6" stroke="#929292" />
          {t.remaining ? (
            <rect
              x={t.remaining.x * 10}
              y={BAR_Y}
              width={t.remaining.width * 10}
              height={BAR_H}
              fill="#ffffff"
              stroke="#666666"
              strokeDasharray="6 4"
              data-testid="dgp-restant"
            />
          ) : null}
          {t.gap ? (
            <g data-testid="dgp-suspension">
              <rect x={t.gap.x * 10} y={BAR_Y} width={t.gap.width * 10} height={BAR_H} fill="#ffffff" />
              <text
                x={(t.gap.x + t.gap.width / 2) * 10}
                y={BAR_Y + 18}
                textAnchor="middle"
                fontSize="13"
                fill="#3a3a3a"
              >
                suspendu
              </text>
            </g>
          ) : null}
          {t.bars.map((b) => (
            <rect
              key={`${b.from}-${b.holder}`}
              x={b.x * 10}
              y={BAR_Y}
              width={b.width * 10}
              height={BAR_H}
              fill={b.colour}
              data-testid="dgp-periode"
              data-holder={b.holder}
              data-days={b.days}
              data-late={b.late}
            />
          ))}
          {t.late ? (
            <rect
              x={t.late.x * 10}
              y={BAR_Y + BAR_H + 4}
              width={t.late.width * 10}
              height={6}
              fill={LATE_COLOUR}
              data-testid="dgp-retard"
            />
          ) : null}
          {t.markers.map((m) => (
            <g key={m.kind} data-testid={`dgp-repere-${m.kind}`} data-x={m.x}>
              <line
                x1={m.x * 10}
                x2={m.x * 10}
                y1={BAR_Y - 8}
                y2={BAR_Y + BAR_H + 12}
                stroke="#161616"
                strokeWidth={2}
              />
              <text
                x={m.x * 10}
                y={m.kind === 'ECHEANCE' ? BAR_Y - 14 : BAR_Y + BAR_H + 32}
                textAnchor={m.x < 10 ? 'start' : m.x > 90 ? 'end' : 'middle'}
                fontSize="13"
                fill={m.kind === 'ECHEANCE' && late ? LATE_COLOUR : '#161616'}
              >
                {MARKER_LABELS[m.kind]} {formatDate(m.date)}
              </text>
            </g>
          ))}
        </svg>
      ) : (
        <p>Le délai n’a pas encore démarré.</p>
      )}
      <ul className="ft-dgp-legend" aria-hidden="true">
        {HOLDERS.map((h) => (
          <li key={h}>
            <span className="ft-swatch" style={{ background: HOLDER_COLOURS[h] }} /> {HOLDER_LABELS[h]}
          </li>
        ))}
        <li>
          <span className="ft-swatch" style={{ background: LATE_COLOUR }} /> Jours de retard
        </li>
      </ul>
      <Figures delai={delai} />
      {t && t.bars.length > 0 ? <PeriodsTable delai={delai} /> : null}
    </section>
  );
}

function summary(d: Delai): string {
  const parts = HOLDERS.map((h) => `${HOLDER_LABELS[h]} : ${formatDays(d.joursParActeur[h])}`);
  if (d.periodeSuspendue) parts.push(`suspendu ${formatDays(d.periodeSuspendue.jours)}`);
  if (d.joursDeRetard > 0) parts.push(`${formatDays(d.joursDeRetard)} de retard`);
  else if (d.statut === 'EN_COURS') parts.push(`${formatDays(d.joursRestants)} restants`);
  return parts.join(' ; ');
}

function Figures({ delai: d }: { delai: Delai }) {
  const interest = d.interetsMoratoires;
  return (
    <dl className="ft-figures" data-testid="dgp-chiffres">
      {HOLDERS.map((h) => (
        <div key={h}>
          <dt>{HOLDER_LABELS[h]}</dt>
          <dd data-testid={`jours-${h}`}>
            {formatDays(d.joursParActeur[h])}
            {d.joursDeRetardParActeur[h] > 0 ? (
              <span className="ft-late"> dont {formatDays(d.joursDeRetardParActeur[h])} de retard</span>
            ) : null}
          </dd>
        </div>
      ))}
      {d.periodeSuspendue ? (
        <div>
          <dt>Suspension</dt>
          <dd>
            {formatDays(d.periodeSuspendue.jours)} (du {formatDate(d.periodeSuspendue.du)} au{' '}
            {formatDate(d.periodeSuspendue.au)}
            {d.periodeSuspendue.enCours ? ', en cours' : ''})
          </dd>
        </div>
      ) : null}
      {d.joursDeRetard > 0 ? (
        <div>
          <dt>Retard</dt>
          <dd className="ft-late" data-testid="jours-retard">
            {formatDays(d.joursDeRetard)} de retard depuis le {formatDate(d.enRetardDepuis)}
          </dd>
        </div>
      ) : d.statut === 'EN_COURS' || d.statut === 'SUSPENDU' ? (
        <div>
          <dt>Jours restants</dt>
          <dd data-testid="jours-restants">{formatDays(d.joursRestants)}</dd>
        </div>
      ) : null}
      {interest ? (
        <div>
          <dt>Intérêts moratoires</dt>
          <dd data-testid="interets">
            {formatEurosString(interest.montant)} ({formatDays(interest.jours)} au taux de{' '}
            {interest.taux.replace('.', ',')} % sur {formatEurosString(interest.base)}) + indemnité forfaitaire{' '}
            {formatEurosString(d.indemniteForfaitaire)} = <strong>{formatEurosString(interest.total)}</strong>
          </dd>
        </div>
      ) : null}
      {d.interetsNonCalculables ? (
        <div>
          <dt>Intérêts moratoires</dt>
          <dd data-testid="interets-non-calculables">
            Non calculables : {d.interetsNonCalculables.message} Indemnité forfaitaire due :{' '}
            {formatEurosString(d.indemniteForfaitaire)}.
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

function formatEurosString(value: string | undefined): string {
  return formatEurosCents(amountCents(value));
}

function PeriodsTable({ delai: d }: { delai: Delai }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1; axe scrollable-region-focusable)
    <section className="ft-table-scroll" aria-label="Périodes du délai" tabIndex={0}>
      <table className="ft-table" data-testid="dgp-table">
        <caption>Qui détenait le dossier, période par période</caption>
        <thead>
          <tr>
            <th scope="col">Détenteur</th>
            <th scope="col">Du</th>
            <th scope="col">Au</th>
            <th scope="col">Jours</th>
            <th scope="col">Après l’échéance</th>
          </tr>
        </thead>
        <tbody>
          {d.periodes.map((p) => (
            <tr key={`${p.du}-${p.detenteur}`}>
              <td>{HOLDER_LABELS[p.detenteur]}</td>
              <td>{formatDate(p.du)}</td>
              <td>{formatDate(p.au)}</td>
              <td>{p.jours}</td>
              <td className={p.enRetard ? 'ft-late' : undefined}>{p.enRetard ? 'oui (retard)' : 'non'}</td>
            </tr>
          ))}
          {d.periodeSuspendue ? (
            <tr>
              <td>Suspension (délai arrêté)</td>
              <td>{formatDate(d.periodeSuspendue.du)}</td>
              <td>{formatDate(d.periodeSuspendue.au)}</td>
              <td>{d.periodeSuspendue.jours}</td>
              <td>—</td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </section>
  );
}
