// Contract methods of the changes half: trust & identity, install, verify, summary.
import { z } from 'zod';
import { type } from './contract-type';

export const changeMethods = {
} as const;
