import { api, ApiError, fieldLabel, fieldsOfCooperation, regionLabel, regions } from './api.js';
import { h, today } from './dom.js';
import { agreementOfPath, uploadChosen } from './documents.js';
import { sha256OfFile } from './fingerprint.js';
import { has, t } from './i18n.js';

/** `{'a.b': 1, 'c.0.d': 2}` → `{a: {b: 1}, c: [{d: 2}]}`: form fields are named by the API's field paths. */
export function nest(flat) {
  const root = {};
  for (const [path, value] of Object.entries(flat)) {
    const keys = path.split('.');
    let node = root;
    keys.forEach((key, i) => {
      if (i === keys.length - 1) node[key] = value;
      else node = node[key] ??= /^\d+$/.test(keys[i + 1]) ? [] : {};
    });
  }
  return root;
}

const splitList = (text) => text.split(',').map((x) => x.trim()).filter(Boolean);
const splitLines = (text) => text.split('\n').map((x) => x.trim()).filter(Boolean);

function optionLabel(option, names) {
  if (option.field) return fieldLabel(option.field);
  if (option.region) return `${names.get(option.region)?.name ?? option.region} (${option.region})`;
  return option.label ? t(option.label) : option.text;
}

/** What a picker offers: regions by name (with their code), or the fields of cooperation by label. */
async function pickerOptions(kind) {
  if (kind === 'region') return [...(await regions()).values()].map((r) => ({ value: r.code, label: regionLabel(r) }));
  const { list } = await fieldsOfCooperation();
  return list.map((f) => ({ value: f.id, label: f.group === 'tema' ? f.label : `${f.label} (${f.id})` }));
}

/**
 * A searchable picker: the user types part of a name and chooses from the list the browser shows; `multiple` keeps
 * several, shown as chips; `free` also keeps a text that matches nothing (a field of cooperation no urusan fits).
 */
function pickerFor(spec, common, options) {
  const listId = `${common.id}-options`;
  const byLabel = new Map(options.map((o) => [o.label.toLowerCase(), o]));
  const input = h('input', { ...common, required: false, type: 'text', list: listId, autocomplete: 'off', placeholder: t('form.pick') });
  const chosen = [...(spec.value ?? [])];
  const chips = h('ul', { class: 'chips' });
  const labelOf = (value) => options.find((o) => o.value === value)?.label ?? value;
  const draw = () =>
    chips.replaceChildren(
      ...chosen.map((value) =>
        h('li', { class: 'chip', dataset: { value } }, labelOf(value), ' ', h('button', { type: 'button', class: 'link', 'aria-label': t('form.remove'), onclick: () => { chosen.splice(chosen.indexOf(value), 1); draw(); } }, '×')),
      ),
    );
  const add = () => {
    const text = input.value.trim();
    if (text === '') return;
    const lowered = text.toLowerCase();
    const option = byLabel.get(lowered) ?? options.find((o) => o.value === text) ?? (options.filter((o) => o.label.toLowerCase().includes(lowered)).length === 1 ? options.find((o) => o.label.toLowerCase().includes(lowered)) : undefined);
    if (!option && !spec.free) {
      input.setCustomValidity(t('form.pickFromList'));
      input.reportValidity();
      return;
    }
    input.setCustomValidity('');
    const value = option ? option.value : text;
    if (!spec.multiple) chosen.length = 0;
    if (!chosen.includes(value)) chosen.push(value);
    input.value = '';
    draw();
  };
  input.addEventListener('change', add);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      add();
    }
  });
  draw();
  const control = h('div', { class: 'picker', dataset: { picker: spec.picker } }, chips, input, h('datalist', { id: listId }, options.map((o) => h('option', { value: o.label }))));
  return {
    control,
    id: common.id,
    read: async () => {
      add();
      return spec.multiple ? [...chosen] : chosen[0] ?? '';
    },
  };
}

/** A searchable picker outside an action form (a list's filters, the Impor page): regions by name, fields by label. */
export async function searchablePicker(spec) {
  const id = `p-${spec.name}-${Math.random().toString(36).slice(2, 7)}`;
  return pickerFor(spec, { id, name: spec.name, required: false, 'aria-label': spec.ariaLabel }, await pickerOptions(spec.picker));
}

/** One input per field; returns the element and how to read its value (a promise: files are hashed first). */
async function inputFor(spec, names) {
  const id = `f-${spec.name.replace(/\W/g, '-')}-${Math.random().toString(36).slice(2, 7)}`;
  const common = { id, name: spec.name, required: spec.required && spec.type !== 'checkbox' && spec.type !== 'files' };
  switch (spec.type) {
    case 'picker':
      return pickerFor(spec, common, await pickerOptions(spec.picker));
    case 'textarea':
    case 'lines': {
      const control = h('textarea', { ...common, rows: spec.type === 'lines' ? 3 : 2 }, spec.value ?? '');
      return { control, id, read: async () => (spec.type === 'lines' ? splitLines(control.value) : control.value) };
    }
    case 'select': {
      const control = h('select', common, spec.options.map((o) => h('option', { value: o.value, selected: o.value === spec.value }, optionLabel(o, names))));
      // The option's own value, so a number (a semester, a rating) is sent as a number.
      return { control, id, read: async () => spec.options[control.selectedIndex]?.value ?? '' };
    }
    case 'checkbox': {
      const control = h('input', { ...common, type: 'checkbox', checked: spec.value === true });
      return { control, id, read: async () => control.checked };
    }
    case 'checkboxes': {
      const boxes = spec.options.map((o) => h('input', { type: 'checkbox', value: o.value, name: spec.name }));
      const control = h('div', { class: 'checks', id }, spec.options.map((o, i) => h('label', { class: 'check' }, boxes[i], ' ', optionLabel(o, names))));
      return { control, id, read: async () => boxes.filter((b) => b.checked).map((b) => b.value) };
    }
    case 'number': {
      const control = h('input', { ...common, type: 'number', value: spec.value, min: spec.min, max: spec.max, inputmode: 'numeric' });
      return { control, id, read: async () => (control.value === '' ? undefined : Number(control.value)) };
    }
    case 'date': {
      const control = h('input', { ...common, type: 'date', value: spec.value ?? (spec.today ? today() : undefined) });
      return { control, id, read: async () => control.value };
    }
    case 'list': {
      const control = h('input', { ...common, type: 'text', value: spec.value });
      return { control, id, read: async () => splitList(control.value) };
    }
    case 'file':
    case 'files': {
      // The hash is computed as soon as a file is chosen, and shown, so the user can compare it with the signed copy.
      const input = h('input', { ...common, type: 'file', multiple: spec.type === 'files' });
      const shown = h('output', { class: 'fingerprint', for: id });
      let hashing = Promise.resolve([]);
      input.addEventListener('change', () => {
        shown.textContent = t('form.hashing');
        hashing = Promise.all([...input.files].map(sha256OfFile));
        hashing.then((hashes) => {
          shown.replaceChildren(...hashes.map((hash) => h('code', { class: 'hash' }, hash)));
          shown.dataset.sha256 = hashes.join(' ');
        });
      });
      const control = h('div', { class: 'file' }, input, h('small', {}, t('form.fileKept')), shown);
      return {
        control,
        id,
        read: async () => ((await hashing).length === 0 ? (spec.type === 'file' ? '' : []) : spec.type === 'file' ? (await hashing)[0] : await hashing),
        chosen: async () => (await hashing).map((sha256, i) => ({ file: input.files[i], sha256 })),
      };
    }
    default: {
      const control = h('input', { ...common, type: 'text', value: spec.value, autocomplete: 'off' });
      return { control, id, read: async () => control.value };
    }
  }
}

/** A refusal in the user's words: the rule's own sentence where the dictionary has one, the API's message otherwise. */
const ruleText = (error) => (has(`rule.${error.rule}`) ? t(`rule.${error.rule}`) : error.message);

/** The field an API error belongs to: itself, a parent (`evidence.0` → `evidence`) or its first child. */
function fieldOf(errorField, names) {
  return names.find((n) => n === errorField) ?? names.find((n) => errorField.startsWith(`${n}.`)) ?? names.find((n) => n.startsWith(`${errorField}.`));
}

/**
 * A form for one step: posts to the API, and shows what the API says is wrong next to the field it names
 * (400), or above the form for a refused step (403, 409).
 */
export async function actionForm(action, { onDone, onCancel, label = t(`act.${action.id}`) }) {
  const names = await regions();
  const inputs = await Promise.all(action.fields.map(async (spec) => ({ spec, ...(await inputFor(spec, names)) })));
  const messages = new Map(inputs.map(({ spec }) => [spec.name, h('p', { class: 'field-error', dataset: { field: spec.name }, role: 'alert' })]));
  const general = h('div', { class: 'form-error', role: 'alert' });
  const uploads = h('div', { class: 'uploads' });
  const submit = h('button', { type: 'submit', class: action.danger ? 'btn danger' : 'btn primary' }, action.fields.length ? t('form.submit') : label);
  const form = h(
    'form',
    { class: ['action-form', action.fields.length === 0 && 'quick'], dataset: { action: action.id }, novalidate: true },
    action.fields.length ? h('h4', {}, label) : null,
    inputs.map(({ spec, control, id }) =>
      h('div', { class: 'field', dataset: { field: spec.name } }, h('label', { for: id }, t(spec.label, resolvedParams(spec, names))), control, spec.hint ? h('small', { class: 'hint' }, t(spec.hint)) : null, messages.get(spec.name)),
    ),
    general,
    uploads,
    h('div', { class: 'buttons' }, submit, onCancel && action.fields.length ? h('button', { type: 'button', class: 'btn', onclick: onCancel }, t('form.cancel')) : null),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const p of messages.values()) p.textContent = '';
    general.textContent = '';
    form.querySelectorAll('.invalid').forEach((el) => el.classList.remove('invalid'));
    submit.disabled = true;
    try {
      const values = { ...(action.fixed ?? {}) };
      for (const { spec, read } of inputs) {
        const value = await read();
        // An optional field left empty is left out, as the API expects; a required one is sent, so the API names it.
        if (!spec.required && (value === '' || value === undefined)) continue;
        values[spec.name] = value;
      }
      // A step may send itself another way (the form for an old agreement sends a spreadsheet of one row).
      const result = action.submit ? await action.submit(values) : await api(action.path, { method: 'POST', body: nest(values) });
      // The step is recorded first, so that the server knows the fingerprints the files must match.
      const chosen = (await Promise.all(inputs.map(({ chosen: files }) => files?.() ?? []))).flat();
      const agreementId = result?.agreementId ?? agreementOfPath(action.path);
      if (chosen.length > 0 && agreementId) await uploadChosen(agreementId, chosen, uploads);
      await onDone(result);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const fieldNames = [...messages.keys()];
      const unplaced = [];
      for (const fieldError of error.errors) {
        const name = fieldOf(fieldError.field, fieldNames);
        if (!name) unplaced.push(`${fieldError.field}: ${fieldError.message}`);
        else {
          const p = messages.get(name);
          p.textContent = [p.textContent, ruleText(fieldError)].filter(Boolean).join('; ');
          p.closest('.field')?.classList.add('invalid');
        }
      }
      if (error.errors.length === 0) general.textContent = t(error.status === 403 ? 'error.forbidden' : 'error.generic', { message: ruleText(error) });
      else if (unplaced.length) general.textContent = unplaced.join('; ');
      if (error.rule) general.dataset.rule = error.rule;
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function resolvedParams(spec, names) {
  const params = { ...(spec.labelParams ?? {}) };
  if (params.party) params.party = names.get(params.party)?.name ?? params.party;
  return params;
}

/** A row of buttons, one per step; a step with fields opens its form below, a step without posts at once. */
export function actionBar(actions, { onDone, testScope }) {
  const slot = h('div', { class: 'action-slot' });
  const buttons = actions.map((action) =>
    h('button', {
      type: 'button',
      class: action.danger ? 'btn danger' : 'btn',
      dataset: { action: action.id, scope: testScope },
      onclick: async () => {
        const form = await actionForm(action, { onDone, onCancel: () => slot.replaceChildren() });
        slot.replaceChildren(form);
        if (action.fields.length === 0) form.requestSubmit();
        else form.querySelector('input:not([type=hidden]),select,textarea')?.focus();
      },
    }, t(`act.${action.id}`)),
  );
  return h('div', { class: 'actions' }, h('div', { class: 'buttons' }, buttons), slot);
}
