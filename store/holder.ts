// Who holds a lease in the store (the token refresh, a person's inbox, the held-message pass): this
// process on this host, made unique so two holders in one process never pass for each other.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

export const newHolderId = (): string => `${hostname()}:${process.pid}:${randomUUID()}`;
