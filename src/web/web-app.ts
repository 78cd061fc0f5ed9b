import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import { SSO_CALLBACK_PATH } from '../access/access.config';

/**
 * The browser app's policy: everything from this origin only, nothing inline, no framing. Stricter than the API's
 * default (Swagger UI at /docs needs inline styles, the web app never does).
 */
export const WEB_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Where the static files are: next to this module when run from the sources (jest, ts-node), or copied by the
 * Nest CLI's assets into dist/; the working directory's sources as a last resort.
 */
export function webAssetsDirectory(): string {
  const candidates = [join(__dirname, 'public'), resolve(process.cwd(), 'src/web/public')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) throw new Error(`the web app's files are missing (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * Serves the single-page app: `/` is its page, `/web/...` its scripts and styles. Static files need no token (the
 * app signs in by itself and calls the JSON API with the user's bearer token), so they are served before Nest's
 * guards ever see the request.
 */
export function serveWebApp(app: NestExpressApplication): void {
  const directory = webAssetsDirectory();
  const strictPolicy = (_request: Request, response: Response, next: NextFunction): void => {
    response.setHeader('Content-Security-Policy', WEB_CONTENT_SECURITY_POLICY);
    next();
  };
  app.use('/web', strictPolicy, express.static(directory, { index: false }));
  // The page is also where the identity provider sends the browser back after single sign-on (the redirect URI).
  const pagePaths = new Set(['/', '/index.html', SSO_CALLBACK_PATH]);
  // The public infographics page: a page of its own, drawn from the open data, with no sign-in.
  const pages = new Map([...[...pagePaths].map((path) => [path, 'index.html'] as const), ['/publik', 'publik.html']]);
  app.use((request: Request, response: Response, next: NextFunction) => {
    const page = request.method === 'GET' ? pages.get(request.path) : undefined;
    if (!page) return next();
    strictPolicy(request, response, () => response.sendFile(join(directory, page)));
  });
}
