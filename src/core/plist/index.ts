// XML property lists: the one reader and the one writer every part of the core uses.
export { isPlistDict, parsePlist, type PlistValue } from './read';
export { writePlist, type PlistInput } from './write';
