// Contract methods of the setup half: Welcome, CA certificates, client certificate.
import { z } from 'zod';
import { type } from './contract-type';

export const setupMethods = {
} as const;
