/** The steps of the guided deposit, as the DSFR stepper names them. */
export const STEPS = ['Marché et cadre', 'Fichiers et informations', 'Envoi et certificat'] as const;
