/**
 * Storage SOP classes whose objects carry no Pixel Data (PS3.4 Annex B.5): reports, key objects, presentation
 * states, encapsulated documents, RT plans and structure sets, waveforms, registrations and the like.
 *
 * Why a list of the non-images rather than of the images: DICOM has no end-of-file marker, so a file cut exactly
 * between two elements looks complete. Any object that is not known to be pixel-free and has no Pixel Data is
 * therefore treated as cut short and held, which errs towards an analyst looking, never towards a broken upload.
 */
const NON_IMAGE_PREFIXES = [
  '1.2.840.10008.5.1.4.1.1.88.', // structured reports, key object selection (88.59)
  '1.2.840.10008.5.1.4.1.1.11.', // presentation states
  '1.2.840.10008.5.1.4.1.1.104.', // encapsulated PDF, CDA, STL, OBJ, MTL
  '1.2.840.10008.5.1.4.1.1.9.', // waveforms (ECG, audio, haemodynamic...)
  '1.2.840.10008.5.1.4.1.1.66', // raw data, spatial registration, fiducials, segmentation surfaces
  '1.2.840.10008.5.1.4.1.1.67', // real world value mapping
  '1.2.840.10008.5.1.4.1.1.68.', // surfaces
  '1.2.840.10008.5.1.4.1.1.78.', // ophthalmic and lens measurements
  '1.2.840.10008.5.1.4.1.1.79.',
  '1.2.840.10008.5.1.4.1.1.80.',
  '1.2.840.10008.5.1.4.1.1.81.',
  '1.2.840.10008.5.1.4.1.1.82.',
  '1.2.840.10008.5.1.4.1.1.90.', // content assessment results
  '1.2.840.10008.5.1.4.1.1.200.', // defined and performed procedure protocols
  '1.2.840.10008.5.1.4.1.1.4.2', // MR spectroscopy
  '1.2.840.10008.5.1.4.34.', // second-generation RT objects
  '1.2.840.10008.5.1.4.38.', // hanging protocols
  '1.2.840.10008.5.1.4.39.', // colour palettes
  '1.2.840.10008.5.1.4.43.', // generic implant templates
  '1.2.840.10008.5.1.4.44.',
  '1.2.840.10008.5.1.4.45.',
];
/** RT objects without pixels: structure set, plans, treatment records, beams, brachy, ion (481.2, RT Dose, may have pixels). */
const NON_IMAGE_RT = new Set(['3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13']);

/** True when objects of this SOP class are expected to carry Pixel Data (7FE0,0010). Unknown classes: true. */
export function expectsPixelData(sopClassUid: string | undefined): boolean {
  if (!sopClassUid) return true;
  if (NON_IMAGE_PREFIXES.some((p) => sopClassUid.startsWith(p))) return false;
  const rt = /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.481\.(\d+)$/.exec(sopClassUid);
  return !(rt && NON_IMAGE_RT.has(rt[1] as string));
}
