// Who is signed in, as the pages see it. Its own file so that the sign-in code (auth.ts) and the
// page frame (layout.ts) both use it without importing each other.
import type { Session } from '../store/store.js';
import type { Viewer } from './access.js';

export interface Authed {
  viewer: Viewer;
  session: Session;
  /** Set for admins while Zalo refuses our refresh token: every page then shows the banner. */
  tokenProblem?: { at: number };
}

declare module 'express-serve-static-core' {
  interface Locals {
    auth?: Authed;
  }
}
