/**
 * The room of a piece as the deposit screen shows and checks it before any upload (no import: tested on its own).
 * The service enforces the same limits when it issues a form and in storage itself.
 */
const MB = 1024 * 1024;
/** 10 MB per file (Chorus Pro « Pièces jointes »); the API refuses a larger declared size too. */
export const MAX_FILE_BYTES = 10 * MB;

/** `10,0 Mo`, `0,4 Mo`: one decimal, French comma; under 100 ko in ko (`12 ko`). */
export function formatMo(bytes: number): string {
  if (bytes > 0 && bytes < MB / 10) return `${Math.max(1, Math.round(bytes / 1024))}\u00a0ko`;
  return `${(Math.round((bytes / MB) * 10) / 10).toFixed(1).replace('.', ',')}\u00a0Mo`;
}

/**
 * Why a file may not be sent now, before any reservation: empty, over 10 MB, or over the room the piece has left
 * (120 MB with its attachments, counting the files already reserved and those being sent).
 */
export function refusalBeforeUpload(
  file: { name: string; size: number },
  room: { reserved: number; max: number; inFlight: number },
): string | undefined {
  if (file.size === 0) return `Le fichier ${file.name} est vide : choisissez le bon fichier.`;
  if (file.size > MAX_FILE_BYTES) {
    return `Le fichier ${file.name} pèse ${formatMo(file.size)} ; ${formatMo(MAX_FILE_BYTES)} au plus par fichier : réduisez-le ou scindez-le.`;
  }
  const left = room.max - room.reserved - room.inFlight;
  if (file.size > left) {
    return `Le fichier ${file.name} (${formatMo(file.size)}) dépasserait les ${formatMo(room.max)} de la pièce avec ses pièces jointes : il reste ${formatMo(Math.max(0, left))}.`;
  }
  return undefined;
}
