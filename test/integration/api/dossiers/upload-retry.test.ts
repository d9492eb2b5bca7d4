import { describe, expect, it } from 'vitest';
import { postForm, sha256Hex, textPdf } from './client';
import { DEMO, useWorld } from './world';

/**
 * A dropped upload retried (docs/rules/documents.md#sizes): the fresh form asked for the same attachment (same name,
 * same SHA-256) replaces the earlier one nothing reached storage under, so the room is held once, not once per try;
 * any other attachment keeps its own form. Over HTTP on the embedded platform.
 */
const world = useWorld();

// 250 lines of 4 bytes: 1 000 bytes exactly
const CSV = new TextEncoder().encode('1;2\n'.repeat(250));

describe('an attachment asked again after a dropped upload', () => {
  it('holds its room once: the new form replaces the unused one, whose late bytes are hidden', async () => {
    const w = world();
    const st = w.as.sousTraitant;
    const d = await w.draft(st, `/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A9', numero: 'RETRY-ANX-1' });
    const path = `/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}`;
    const main = d.draft.fichiers[0].taille as number;
    const reserved = async () => (await st.get(path)).body.octetsReserves as number;
    const ask = (nom: string, bytes: Uint8Array) =>
      st.post(`${path}/fichiers`, {
        nom,
        taille: bytes.length,
        type: 'text/csv',
        role: 'ANNEXE',
        sha256: sha256Hex(bytes),
      });
    expect(CSV.length).toBe(1000);

    // First try: the form is taken, the upload drops (nothing posted): main + 1 000
    const first = await ask('releve.csv', CSV);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(await reserved()).toBe(main + 1000);

    // The retry: a fresh form for the same file; still main + 1 000, not main + 2 000
    const retry = await ask('releve.csv', CSV);
    expect(retry.status).toBe(201);
    expect(retry.body.fichierId).not.toBe(first.body.fichierId);
    expect(await reserved()).toBe(main + 1000);

    // Another name, or other bytes under the same name: other files, each with its own room (+ 1 000, + 1 001)
    const other = new TextEncoder().encode(`${'1;2\n'.repeat(250)}\n`);
    expect((await ask('copie.csv', CSV)).status).toBe(201);
    expect((await ask('releve.csv', other)).status).toBe(201);
    expect(await reserved()).toBe(main + 1000 + 1000 + 1001);

    // The retry lands and is verified; the first form's bytes, arriving late, are not taken
    expect(await postForm(retry.body, CSV, 'releve.csv')).toBeLessThan(300);
    expect(await postForm(first.body, CSV, 'releve.csv')).toBeLessThan(300);
    await w.platform.settle();
    const after = await st.get(path);
    const statusOf = (id: string) =>
      after.body.fichiers.find((f: { id: string }) => f.id === id)?.verification.statut ?? 'absent';
    expect(statusOf(retry.body.fichierId)).toBe('VERIFIE');
    expect(['ABANDONNE', 'absent']).toContain(statusOf(first.body.fichierId));
    expect(after.body.octetsReserves).toBe(main + 1000 + 1000 + 1001);
  });

  it('leaves an earlier form whose bytes arrived to its verification: the same file twice is two files', async () => {
    const w = world();
    const st = w.as.sousTraitant;
    const d = await w.draft(st, `/v1/marches/${DEMO.marcheId}/pieces`, { cadre: 'A9', numero: 'RETRY-ANX-2' });
    const path = `/v1/dossiers/${d.dossierId}/pieces/${d.pieceId}`;
    const main = d.draft.fichiers[0].taille as number;
    const pdf = await textPdf(['Attachement n° 2']);
    const body = {
      nom: 'attachement.pdf',
      taille: pdf.length,
      type: 'application/pdf',
      role: 'ANNEXE',
      sha256: sha256Hex(pdf),
    };
    const first = await st.post(`${path}/fichiers`, body);
    expect(await postForm(first.body, pdf, 'attachement.pdf')).toBeLessThan(300);
    // Asked again once its bytes reached storage: that form is not replaced
    const second = await st.post(`${path}/fichiers`, body);
    expect(second.status).toBe(201);
    expect((await st.get(path)).body.octetsReserves).toBe(main + 2 * pdf.length);
    await w.platform.settle();
    const files = (await st.get(path)).body.fichiers as { id: string; verification: { statut: string } }[];
    expect(files.find((f) => f.id === first.body.fichierId)?.verification.statut).toBe('VERIFIE');
  });
});
