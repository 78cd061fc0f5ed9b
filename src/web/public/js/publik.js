// The public infographics page (/publik): no sign-in, Indonesian only, drawn from the open data that regions publish.
import { h, replaceChildren, today } from './dom.js';
import { barChart, markDrawn, table } from './ui.js';

const page = document.getElementById('publik');
const IN_PROCESS = ['proposed', 'negotiating', 'awaiting-signatures'];
const CATEGORY_NAMES = {
  'regency-same-province': 'Kabupaten/kota di provinsi yang sama',
  province: 'Provinsi',
  'regency-other-province': 'Kabupaten/kota di provinsi lain',
};
const PAIR_NAMES = { 'province-province': 'Antarprovinsi', 'province-regency': 'Provinsi dengan kabupaten/kota', 'regency-regency': 'Antarkabupaten/kota' };

const provinceOf = (code) => code.split('.')[0];
const isProvince = (code) => !code.includes('.');
const addDays = (iso, days) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const number = (n) => new Intl.NumberFormat('id-ID').format(n);

async function json(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

/** How each counterpart relates to the region, as the semester report counts them. */
function categoryOf(region, counterpart) {
  if (isProvince(counterpart)) return 'province';
  return provinceOf(counterpart) === provinceOf(region) ? 'regency-same-province' : 'regency-other-province';
}

function pairOf(agreement) {
  const parties = [agreement.proposerCode, ...agreement.counterpartCodes];
  const provinces = parties.filter(isProvince).length;
  return provinces === parties.length ? 'province-province' : provinces === 0 ? 'regency-regency' : 'province-regency';
}

function tally(items, keysOf) {
  const counts = new Map();
  for (const item of items) for (const key of new Set(keysOf(item))) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

const entries = (counts, label = (key) => key) => [...counts.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0]))).map(([key, value]) => ({ label: label(key), value }));
const kpi = (id, label, value, tone) => h('div', { class: ['card', 'kpi', tone], dataset: { kpi: id } }, h('span', { class: 'kpi-value' }, number(value)), h('span', { class: 'kpi-label' }, label));

function draw(publishers, agreements, region) {
  const day = today();
  const horizon = addDays(day, 90);
  const shown = region ? agreements.filter((a) => a.proposerCode === region || a.counterpartCodes.includes(region)) : agreements;
  const active = shown.filter((a) => a.stage === 'active');
  const endingSoon = active.filter((a) => a.validUntil && a.validUntil >= day && a.validUntil <= horizon).sort((a, b) => (a.validUntil < b.validUntil ? -1 : 1));
  const publisher = publishers.find((p) => p.code === region);
  const where = publisher ? (publisher.level === 'province' ? `Provinsi ${publisher.name}` : publisher.name) : 'Nasional';
  const base = region ? `/open-data/regions/${region}` : '/open-data';

  const select = h('select', { id: 'region', 'aria-label': 'Wilayah' }, h('option', { value: '' }, 'Nasional (semua daerah yang menerbitkan)'), publishers.map((p) => h('option', { value: p.code, selected: p.code === region }, `${p.level === 'province' ? 'Provinsi ' : ''}${p.name}`)));
  select.addEventListener('change', () => {
    location.hash = select.value ? `#${select.value}` : '';
  });

  const charts = [
    region
      ? barChart('Menurut kategori mitra', Object.entries(CATEGORY_NAMES).map(([key, label]) => ({ label, value: shown.filter((a) => [a.proposerCode, ...a.counterpartCodes].some((p) => p !== region && categoryOf(region, p) === key)).length })), { id: 'category' })
      : barChart('Menurut jenis pihak', Object.entries(PAIR_NAMES).map(([key, label]) => ({ label, value: shown.filter((a) => pairOf(a) === key).length })), { id: 'category' }),
    barChart('Menurut urusan', entries(tally(shown, (a) => a.fieldNames)).slice(0, 10), { id: 'field' }),
    barChart('Menurut tahun berlaku', entries(tally(shown.filter((a) => a.validFrom), (a) => [a.validFrom.slice(0, 4)])).sort((a, b) => (a.label < b.label ? -1 : 1)), { id: 'year' }),
  ];
  if (!region) {
    const names = new Map(publishers.map((p) => [p.code, p.level === 'province' ? `Provinsi ${p.name}` : p.name]));
    charts.push(barChart('Per daerah yang menerbitkan', entries(tally(shown, (a) => [a.proposerCode, ...a.counterpartCodes].filter((c) => names.has(c))), (code) => names.get(code)), { id: 'region' }));
  }

  replaceChildren(
    page,
    h('h1', {}, `Kerja Sama Daerah: ${where}`),
    h('p', { class: 'muted' }, 'Kesepakatan Bersama antarpemerintah daerah yang diterbitkan sebagai data terbuka oleh daerah yang memilih menerbitkannya. Hanya fakta publik: judul, pihak, urusan, tanggal dan status.'),
    h('p', { class: 'publik-filter' }, h('label', { for: 'region' }, 'Wilayah '), select),
    h(
      'section',
      { class: 'kpis' },
      kpi('total', 'Jumlah kerja sama', shown.length),
      kpi('active', 'Aktif', active.length, 'good'),
      kpi('in-process', 'Dalam proses', shown.filter((a) => IN_PROCESS.includes(a.stage)).length),
      kpi('ending-90', 'Berakhir dalam 90 hari', endingSoon.length, endingSoon.length ? 'warn' : null),
      kpi('pks', 'PKS aktif', shown.reduce((sum, a) => sum + a.activePksCount, 0)),
    ),
    h('section', { class: 'charts' }, charts),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Segera berakhir'),
      endingSoon.length
        ? table(['Judul', 'Pihak', 'Berlaku sampai'], endingSoon.map((a) => h('tr', {}, h('td', {}, a.title), h('td', {}, [a.proposerName, ...a.counterpartNames].join(' – ')), h('td', {}, a.validUntil))), { id: 'ending-soon' })
        : h('p', { class: 'muted' }, 'Tidak ada kerja sama yang berakhir dalam 90 hari ke depan.'),
    ),
    h(
      'section',
      { class: 'card', id: 'downloads' },
      h('h2', {}, 'Unduh data'),
      h('ul', {}, h('li', {}, h('a', { href: `${base}/agreements.csv?excel=1` }, 'CSV untuk Excel')), h('li', {}, h('a', { href: `${base}/agreements.csv` }, 'CSV')), h('li', {}, h('a', { href: `${base}/agreements.json` }, 'JSON')), h('li', {}, h('a', { href: `${base}/metadata.json` }, 'Metadata (definisi kolom, lisensi, pembaruan terakhir)'))),
      h('p', { class: 'muted' }, `Daerah yang menerbitkan: ${publishers.length}. Data dibaca langsung dari sistem; lisensi CC BY 4.0.`),
    ),
  );
  markDrawn('publik');
}

async function start() {
  try {
    const [publishers, agreements] = await Promise.all([json('/open-data/regions.json'), json('/open-data/agreements.json')]);
    const render = () => {
      const region = location.hash.slice(1);
      draw(publishers, agreements, publishers.some((p) => p.code === region) ? region : '');
    };
    window.addEventListener('hashchange', render);
    render();
  } catch (error) {
    replaceChildren(page, h('p', { class: 'form-error', role: 'alert' }, `Data terbuka tidak dapat dimuat. Muat ulang halaman ini sebentar lagi. (${error.message})`));
    markDrawn('error');
  }
}
start();
