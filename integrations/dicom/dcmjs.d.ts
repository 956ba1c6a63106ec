/**
 * The slice of dcmjs 0.51 (which ships no types) that this project uses: the PS3.6 dictionary, UID generation,
 * naturalised <-> denaturalised data sets, and Part 10 read/write. Declared here, next to its main user.
 */
declare module 'dcmjs' {
  namespace data {
    interface DictionaryEntry {
      tag: string;
      vr: string;
      vm: string;
      name: string;
      version?: string;
    }
    /** A denaturalised data set: "0010,0010"-style keys ("00100010") -> { vr, Value }. */
    type DenaturalizedDataset = Record<string, { vr: string; Value?: unknown[]; InlineBinary?: string; BulkDataURI?: string }>;
    /** A naturalised data set: keyword -> value (sequences as arrays of data sets). */
    type NaturalizedDataset = Record<string, unknown>;

    class DicomMetaDictionary {
      static dictionary: Record<string, DictionaryEntry | undefined>;
      static nameMap: Record<string, DictionaryEntry | undefined>;
      /** A new UID under the 2.25 root (PS3.5 B.2), from a random UUID. */
      static uid(): string;
      static naturalizeDataset(dataset: DenaturalizedDataset): NaturalizedDataset;
      static denaturalizeDataset(dataset: NaturalizedDataset): DenaturalizedDataset;
    }

    class DicomDict {
      constructor(meta: DenaturalizedDataset);
      meta: DenaturalizedDataset;
      dict: DenaturalizedDataset;
      /** Encodes the Part 10 file (preamble, meta, data set) in the meta's Transfer Syntax. */
      write(options?: { allowInvalidVRLength?: boolean; fragmentMultiframe?: boolean }): ArrayBuffer;
    }

    class DicomMessage {
      static readFile(
        buffer: ArrayBuffer,
        options?: { ignoreErrors?: boolean; untilTag?: string | null; includeUntilTagValue?: boolean; noCopy?: boolean },
      ): DicomDict;
    }
  }
}
