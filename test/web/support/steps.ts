import { type PageGlobals, type UserTab, forgetDrawn } from './browser';

export interface StepInput {
  /** Field name (the API's field path) → value to type or choose. */
  fill?: Record<string, string>;
  select?: Record<string, string>;
  check?: string[];
  /** Field name → files (name and content) to fingerprint; a string is sent as its UTF-8 bytes. */
  files?: Record<string, { name: string; content: string | Buffer }[]>;
}

/** Fills the fields of a form already open in the page. */
export async function fillForm(tab: UserTab, formSelector: string, input: StepInput): Promise<void> {
  const form = tab.page.locator(formSelector);
  for (const [name, value] of Object.entries(input.fill ?? {})) await form.locator(`[name="${name}"]`).fill(value);
  for (const [name, value] of Object.entries(input.select ?? {})) await form.locator(`select[name="${name}"]`).selectOption(value);
  for (const value of input.check ?? []) await form.locator(`input[type=checkbox][value="${value}"]`).check();
  for (const [name, files] of Object.entries(input.files ?? {})) {
    await form
      .locator(`input[type=file][name="${name}"]`)
      .setInputFiles(files.map((f) => ({ name: f.name, mimeType: 'application/pdf', buffer: typeof f.content === 'string' ? Buffer.from(f.content) : f.content })));
    await form.locator('output.fingerprint[data-sha256]').first().waitFor();
  }
}

/**
 * Takes one step as a user does: clicks its button (within a scope: `ksb`, `pks-1`, `tl-1`, `visit-1`), fills its
 * form, saves, and waits until the view is drawn again; if the API refused, fails with what the page shows.
 */
export async function step(tab: UserTab, scope: string, action: string, input: StepInput = {}): Promise<void> {
  const { page } = tab;
  await forgetDrawn(tab);
  await page.locator(`button[data-action="${action}"][data-scope="${scope}"]`).click();
  const form = `form[data-action="${action}"]`;
  const hasFields = Object.keys(input).length > 0;
  if (hasFields) {
    await fillForm(tab, form, input);
    await page.locator(`${form} button[type=submit]`).click();
  }
  await page.waitForFunction((messages) => {
    const { document } = globalThis as unknown as PageGlobals;
    return document.body.dataset.drawn !== undefined || Array.from(document.querySelectorAll(messages)).some((e) => e.textContent);
  }, `${form} .form-error, ${form} .field-error`);
  const drawn = await page.evaluate('document.body.dataset.drawn');
  if (drawn === undefined) {
    const shown = await page.locator(`${form} .form-error, ${form} .field-error`).allTextContents();
    throw new Error(`${action} on ${scope} was refused: ${shown.filter(Boolean).join(' | ')}`);
  }
}
