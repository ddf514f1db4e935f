import type { Drawn } from '../typeset/model.js';
import type { PdfKitDoc } from './pdfmake/internals.js';

/** A box's background, then its border drawn inside its edge (`<box>`, a table cell's fill). */
export function drawRect(pdf: PdfKitDoc, d: Extract<Drawn, { kind: 'rect' }>): void {
  if (d.fill) pdf.save().rect(d.x, d.y, d.width, d.height).fill(d.fill).restore();
  if (d.stroke && d.lineWidth > 0) {
    const h = d.lineWidth / 2;
    pdf
      .save()
      .lineWidth(d.lineWidth)
      .rect(d.x + h, d.y + h, d.width - d.lineWidth, d.height - d.lineWidth)
      .stroke(d.stroke)
      .restore();
  }
}
