// Small FHIR R4 resources used for the shared content-hash vectors. Keys are written
// deliberately out of order; values exercise decimals, nested arrays and Unicode.
export const CONTENT_HASH_RESOURCES = [
  {
    name: 'Patient (keys out of order, identifiers, telecom)',
    resource: {
      resourceType: 'Patient',
      name: [{ use: 'official', given: ['Peter', 'James'], family: 'Chalmers' }],
      id: 'example',
      identifier: [
        { value: '12345', system: 'urn:oid:1.2.36.146.595.217.0.1', use: 'usual' },
      ],
      active: true,
      telecom: [{ value: '(03) 5555 6473', system: 'phone', use: 'work', rank: 1 }],
      gender: 'male',
      birthDate: '1974-12-25',
      _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1974-12-25T14:35:45-05:00' }] },
      deceasedBoolean: false,
    },
  },
  {
    name: 'Observation (glucose, decimal value and reference range)',
    resource: {
      status: 'final',
      resourceType: 'Observation',
      id: 'f001',
      code: {
        coding: [{ system: 'http://loinc.org', code: '15074-8', display: 'Glucose [Moles/volume] in Blood' }],
      },
      subject: { reference: 'Patient/f001', display: 'P. van de Heuvel' },
      effectivePeriod: { start: '2013-04-02T09:30:10+01:00' },
      valueQuantity: { value: 6.3, unit: 'mmol/l', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
      interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H', display: 'High' }] }],
      referenceRange: [{ low: { value: 3.1, unit: 'mmol/l' }, high: { value: 6.2, unit: 'mmol/l' } }],
    },
  },
  {
    name: 'Bundle (collection with nested resources and arrays)',
    resource: {
      resourceType: 'Bundle',
      type: 'collection',
      id: 'bundle-example',
      timestamp: '2024-03-01T08:00:00Z',
      entry: [
        {
          fullUrl: 'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a',
          resource: { resourceType: 'Patient', id: 'p1', name: [{ family: 'Doe', given: ['Jane'] }] },
        },
        {
          fullUrl: 'urn:uuid:88f151c0-a954-468a-88bd-5ae15c08e059',
          resource: {
            resourceType: 'Observation',
            id: 'bp',
            status: 'final',
            subject: { reference: 'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a' },
            code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
            component: [
              { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 120, unit: 'mmHg' } },
              { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: 80, unit: 'mmHg' } },
            ],
          },
        },
      ],
    },
  },
  {
    name: 'Patient with Unicode names and characters that need escaping',
    resource: {
      resourceType: 'Patient',
      id: 'unicode',
      name: [
        { family: 'Müller', given: ['José', 'Zoë'] },
        { family: '山田', given: ['太郎'], text: '山田 太郎' },
        { family: 'Παπαδοπούλου', given: ['Ελένη'] },
        { text: 'Ａｙşe Çelik 😀 "quoted" back\\slash\nnew line\ttab\u0001ctl \u2028sep \u007f del' },
      ],
    },
  },
  {
    name: 'Basic (JSON edge cases: UTF-16 key order, numbers, empty containers, null)',
    resource: {
      resourceType: 'Basic',
      '\uff01': 'fullwidth exclamation U+FF01 sorts AFTER the astral key (UTF-16 0xFF01 > 0xD83D)',
      '😀': 'U+1F600, UTF-16 D83D DE00',
      'é': 'U+00E9',
      'B': 'upper case sorts before lower case',
      'a': 'lower case',
      '_a': 'underscore 0x5F sorts between upper and lower case',
      numbers: [0, -0, 1, -1, 0.1, 1.5, 100, 1e21, 1e-7, 123456789012, 0.000001, 9007199254740991],
      flags: [true, false, null],
      empty: { object: {}, array: [], string: '' },
    },
  },
];
