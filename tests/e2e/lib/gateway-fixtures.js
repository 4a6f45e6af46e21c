// What the record gateway's e2e files share: a FHIR lab report, the category bit and the
// token unit they use, and a look at a gateway's stored row (python3's sqlite3).
import { execFileSync } from 'node:child_process';

export const LAB_RESULTS = 16; // Categories bit of RecordCategory::LabResults
export const UNIT = 10n ** 12n;

export const labReport = (value) => ({
  resourceType: 'Observation',
  id: `hb-${value}`,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood' }] },
  valueQuantity: { value, unit: 'g/L', system: 'http://unitsofmeasure.org', code: 'g/L' },
  effectiveDateTime: '2026-12-01T08:30:00Z',
});

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The stored row of a record (python3's sqlite3): { state, has_ciphertext, has_key }. */
export function storedRow(dbPath, recordId) {
  const script = `
import sqlite3, sys, json
c = sqlite3.connect(sys.argv[1])
row = c.execute("SELECT state, ciphertext IS NOT NULL, wrapped_key IS NOT NULL FROM documents WHERE record_id = ?", (bytes.fromhex(sys.argv[2]),)).fetchone()
print(json.dumps(None if row is None else {"state": row[0], "has_ciphertext": bool(row[1]), "has_key": bool(row[2])}))
`;
  return JSON.parse(execFileSync('python3', ['-c', script, dbPath, recordId.slice(2)], { encoding: 'utf8' }));
}
