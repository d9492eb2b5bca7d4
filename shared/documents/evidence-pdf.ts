import { PDFDocument, type PDFFont, StandardFonts } from 'pdf-lib';
import type { Section } from '../domain/evidence/report';

/**
 * The French PDF report of the dossier de preuve (docs/evidence-pack.md), laid out with pdf-lib from the sections of
 * `evidenceReport`: A4, standard Helvetica (a text PDF anyone can search and copy), lines wrapped to the page.
 */
const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const SIZE = 10;
const LEADING = 14;

function encodable(font: PDFFont): (text: string) => string {
  const known = new Set(font.getCharacterSet());
  return (text) =>
    [...text.replace(/[\u202f\u00a0]/g, ' ')].map((c) => (known.has(c.codePointAt(0) ?? 0) ? c : '?')).join('');
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(candidate, size) <= width || !line) line = candidate;
    else {
      out.push(line);
      line = word;
    }
  }
  out.push(line);
  return out;
}

export async function evidencePdf(
  title: string,
  sections: readonly Section[],
  producer = 'Factures de travaux — dossier de preuve',
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  doc.setLanguage('fr-FR');
  doc.setProducer(producer);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const clean = encodable(font);
  const width = A4[0] - 2 * MARGIN;
  let page = doc.addPage(A4);
  let y = A4[1] - MARGIN;
  const line = (text: string, f: PDFFont, size: number) => {
    for (const part of wrap(clean(text), f, size, width)) {
      if (y < MARGIN + LEADING) {
        page = doc.addPage(A4);
        y = A4[1] - MARGIN;
      }
      page.drawText(part, { x: MARGIN, y, size, font: f });
      y -= size === SIZE ? LEADING : LEADING + 4;
    }
  };
  line(title, bold, 14);
  y -= 6;
  for (const s of sections) {
    y -= 6;
    line(s.title, bold, 12);
    for (const l of s.lines) line(l, font, SIZE);
  }
  return doc.save();
}
