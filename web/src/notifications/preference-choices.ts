import type { components } from '../api/openapi.gen';

/** The choices of « Notifications par courriel » in « Mon compte » (issue 13), apart from the screen. */

type Preference = components['schemas']['PreferencesNotifications']['preferences'][number];
export type Mode = Preference['mode'];

export const MODE_CHOICES: readonly [Mode, string][] = [
  ['IMMEDIAT', 'Un courriel à chaque notification'],
  ['QUOTIDIEN', 'Une synthèse quotidienne, le lendemain à 7 h'],
  ['AUCUN', 'Aucun courriel (dans le portail seulement)'],
];

/** What « Aucun » means for the kinds a user who must act cannot turn off (docs/rules/notifications.md). */
export const MANDATORY_HINT =
  'Ne peut pas être désactivé quand vous devez agir : « Aucun courriel » vaut alors « Un courriel à chaque notification ».';

/** The modes the user changed from those recorded, kind → mode: what the PUT sends. */
export function changedModes(recorded: readonly Preference[], chosen: Readonly<Record<string, Mode>>) {
  return Object.fromEntries(
    recorded.filter((p) => chosen[p.type] && chosen[p.type] !== p.mode).map((p) => [p.type, chosen[p.type] as Mode]),
  );
}
