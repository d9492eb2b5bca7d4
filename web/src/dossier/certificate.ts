import { api } from '../api/client';

/**
 * Downloads the deposit certificate of a sent piece (a PDF the API builds), fetched with the session's token and
 * saved by the browser as `certificat-<n°>.pdf`. Used by the deposit recap and by each piece of the dossier screen.
 */
export async function downloadCertificate(dossierId: string, pieceId: string, certificat: string): Promise<void> {
  const res = await api.GET('/v1/dossiers/{dossierId}/pieces/{pieceId}/certificat', {
    params: { path: { dossierId, pieceId } },
    parseAs: 'blob',
  });
  if (!res.response.ok || !(res.data instanceof Blob))
    throw new Error('Le certificat n’a pas pu être téléchargé : réessayez.');
  const url = URL.createObjectURL(res.data);
  const a = document.createElement('a');
  a.href = url;
  a.download = `certificat-${certificat}.pdf`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
