// @medchain/client: everything a polkadot.js app needs to form what MedChain anchors.
export { canonicalize, CanonicalizationError } from './canonical.js';
export {
  SALT_LENGTH,
  blake2_256,
  toBytes,
  randomSalt,
  canonicalBytes,
  contentHash,
  identityCommitment,
  LOCATOR_PREFIX,
  opaqueLocator,
} from './hash.js';
export {
  MAX_PROOF_ITEMS,
  expectedProofLength,
  hashLeaf,
  buildTree,
  merkleRoot,
  merkleProof,
  verifyProof,
} from './merkle.js';
export {
  GS,
  Gs1Error,
  gs1CheckDigit,
  isValidGtin14,
  toGtin14,
  MIN_COMPANY_PREFIX_LEN,
  MAX_COMPANY_PREFIX_LEN,
  isValidCompanyPrefix,
  companyPrefixCandidates,
  gtinHasCompanyPrefix,
  MAX_LOT_LEN,
  MAX_SERIAL_LEN,
  isValidLot,
  isValidSerial,
  gs1Year,
  parseGs1Date,
  parseElementString,
  formatElementString,
  serialLeaf,
  serialsTree,
} from './gs1.js';
