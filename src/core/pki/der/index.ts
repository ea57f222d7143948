// The DER codec every certificate, CSR, CRL, PKCS#7 and PKCS#12 read or write in src/core goes through (see docs/architecture.md, "DER and ASN.1").
export {
  Asn1Error,
  TAG,
  children,
  contents,
  expectTag,
  parseDer,
  parseStrictDer,
  readAlgorithm,
  readBitStringBytes,
  readBits,
  readBoolean,
  readIntegerHex,
  readOctets,
  readOid,
  readSmallInteger,
  readString,
  readTime,
  readTlv,
  whole,
  type Tlv,
} from './reader';
export { der, toPem } from './writer';
