import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { PdfStandards } from '../build/standards.js';
import type { PdfKitDoc } from './pdfmake/internals.js';

/** Text for XML content: `&`, `<`, `>` escaped (pdfkit writes the XMP's values as they are). */
const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const require = createRequire(import.meta.url);
let icc: Buffer | undefined;

/** The PDF/UA identification schema, described for PDF/A (ISO 19005-2, 6.6.2.3: a schema PDF/A does not predefine). */
const PDFUA_EXTENSION = `
        <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
            <pdfaExtension:schemas>
                <rdf:Bag>
                    <rdf:li rdf:parseType="Resource">
                        <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
                        <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
                        <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
                        <pdfaSchema:property>
                            <rdf:Seq>
                                <rdf:li rdf:parseType="Resource">
                                    <pdfaProperty:name>part</pdfaProperty:name>
                                    <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
                                    <pdfaProperty:category>internal</pdfaProperty:category>
                                    <pdfaProperty:description>Indicates which part of ISO 14289 standard is followed</pdfaProperty:description>
                                </rdf:li>
                            </rdf:Seq>
                        </pdfaSchema:property>
                    </rdf:li>
                </rdf:Bag>
            </pdfaExtension:schemas>
        </rdf:Description>`;

/**
 * Adds to a pdfkit document, before it ends, what its standards need: the identification in its XMP metadata
 * (pdfuaid, pdfaid with the PDF/UA schema described for PDF/A), the XMP's modification date (PDF/A wants it to
 * match the Info dictionary's), the sRGB output intent (pdfkit's own ICC profile), and XML escaping of the
 * metadata's values (a title with "&" would otherwise break the XMP). Needs a PDF version above 1.3: pdfkit
 * writes no XMP for 1.3.
 */
export function declareStandards(pdf: PdfKitDoc, standards: PdfStandards, modDate: Date): void {
  const date = modDate.toISOString().split('.')[0] + 'Z';
  pdf.appendXML(`
        <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
            <xmp:ModifyDate>${date}</xmp:ModifyDate>
            <xmp:MetadataDate>${date}</xmp:MetadataDate>
        </rdf:Description>`);
  if (standards.ua1)
    pdf.appendXML(`
        <rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
            <pdfuaid:part>1</pdfuaid:part>
        </rdf:Description>`);
  if (standards.pdfa) {
    pdf.appendXML(`
        <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
            <pdfaid:part>2</pdfaid:part>
            <pdfaid:conformance>${standards.pdfa === '2u' ? 'U' : 'B'}</pdfaid:conformance>
        </rdf:Description>`);
    if (standards.ua1) pdf.appendXML(PDFUA_EXTENSION);
    // pdfkit is pdfmake's dependency, not Briefing's: resolved from pdfmake, as an installed package nests it.
    icc ??= readFileSync(
      createRequire(require.resolve('pdfmake')).resolve('pdfkit/js/data/sRGB_IEC61966_2_1.icc'),
    );
    const profile = pdf.ref({ Length: icc.length, N: 3 });
    profile.write(icc);
    profile.end();
    const intent = pdf.ref({
      Type: 'OutputIntent',
      S: 'GTS_PDFA1',
      Info: new String('sRGB IEC61966-2.1'),
      OutputConditionIdentifier: new String('sRGB IEC61966-2.1'),
      DestOutputProfile: profile,
    });
    intent.end();
    pdf._root.data.OutputIntents = [intent];
  }
  // pdfkit writes the Info values into the XMP as they are: escaped there (only there) for the moment it does.
  const addInfo = pdf._addInfo;
  pdf._addInfo = function (this: PdfKitDoc) {
    const info = this.info;
    this.info = Object.fromEntries(
      Object.entries(info).map(([k, v]) => [k, typeof v === 'string' ? xmlText(v) : v]),
    );
    try {
      addInfo.call(this);
    } finally {
      this.info = info;
    }
  };
}
