// The HTML report's script: reads the data the renderer embedded and
// draws the summary, chart, flame graph and tables.  No library, no
// network: the page works from a file.
'use strict';

const data = JSON.parse(document.getElementById('report-data').textContent);
const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';

function el(tag, attrs, text) {
	const e = document.createElement(tag);
	for (const k in attrs || {})
		e.setAttribute(k, attrs[k]);
	if (text !== undefined)
		e.textContent = text;
	return e;
}

function svg(tag, attrs) {
	const e = document.createElementNS(SVG, tag);
	for (const k in attrs)
		e.setAttribute(k, attrs[k]);
	return e;
}

// ---- numbers as the text report writes them ----

function fmtBytes(b) {
	const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
	let v = b, u = -1;
	if (b < 1024)
		return b + ' B';
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	return v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0) + ' ' + units[u];
}

function fmtCount(n) {
	return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function fmtTime(ns) {
	if (ns < 1e3) return ns + ' ns';
	if (ns < 1e6) return (ns / 1e3).toFixed(1) + ' us';
	if (ns < 1e9) return (ns / 1e6).toFixed(1) + ' ms';
	return (ns / 1e9).toFixed(2) + ' s';
}

// As the text report says it (reports/report_util.c, ma_fmt_peak_rss).
// A sum of processes: the sum of each one's peak, measured either way,
// which has no time.
function peakRss(s, sum) {
	if (!s.peak_rss_bytes) return 'not sampled';
	const peak = fmtBytes(s.peak_rss_bytes), sampled = s.peak_rss_sampled_bytes;
	if (sum) return peak + " (the sum of each process's)";
	const at = ' at ' + fmtTime(s.peak_rss_time_ns);
	if (s.peak_rss_bytes <= sampled || peak === fmtBytes(sampled)) return peak + at;
	if (!sampled) return peak + " (the kernel's high-water mark; not sampled)";
	return peak + " (the kernel's high-water mark; highest sample " + fmtBytes(sampled) +
		at + ')';
}

function fmtShare(part, whole) {
	return whole ? (100 * part / whole).toFixed(part === whole ? 0 : 1) + '%' : '0%';
}

// ---- header, summary, ratings ----

function header() {
	const s = data.summary;
	document.title = 'Memory report: ' + (data.cmdline || 'trace');
	$('subtitle').textContent = (data.cmdline || '') + (data.processes > 1 ?
		'  (sum over ' + data.processes + ' processes)' : '  (pid ' + data.pid + ')');
	if (data.damage) {
		$('warning').hidden = false;
		$('warning').textContent = 'Warning: ' + data.damage;
	}
	const leaked = data.leaks_are_leaks ? 'Leaked' : 'Live at end';
	const rows = [
		['Peak heap', fmtBytes(s.peak_heap_bytes) + (data.processes > 1 ?
			" (the sum of each process's)" : ' at ' + fmtTime(s.peak_heap_time_ns))],
		['Peak RSS', peakRss(s, data.processes > 1)],
		data.leaks_are_leaks ?
			[leaked, fmtBytes(s.leaked_bytes) + ' in ' + fmtCount(s.leaked_blocks) + ' blocks',
				s.leaked_bytes > 0] :
			[leaked, fmtBytes(s.live_bytes_end) + ' in ' + fmtCount(s.live_blocks_end) + ' blocks',
				false],
		['Allocations', fmtCount(s.allocations) + ' (' + fmtBytes(s.bytes_allocated) + ')'],
		['Frees', fmtCount(s.frees)],
		['Temporary', fmtCount(s.temporary_allocations)],
		['Peak mapped', fmtBytes(s.peak_mmap_bytes)],
		['Duration', fmtTime(s.duration_ns)],
	];
	if (s.mismatched_frees)
		rows.push(['Mismatched frees', fmtCount(s.mismatched_frees), true]);
	for (const [k, v, bad] of rows) {
		const d = el('div', bad ? { class: 'bad' } : {});
		d.append(el('dt', {}, k), el('dd', {}, v));
		$('summary').append(d);
	}
	$('footer').textContent = 'memory-analyzer ' + data.version +
		(data.trace ? ', trace ' + data.trace : '');
}

function bandClass(band) {
	return ['target', 'good', 'warning', 'critical'].includes(band) ? band : 'none';
}

function findings() {
	if (!data.ratings.length && !data.recommendations.length)
		return;
	$('findings-section').hidden = false;
	if (data.ratings.length)
		$('ratings').append(ratingsTable(data.ratings));
	for (const r of data.recommendations) {
		const li = el('li', { class: 'rec-' + bandClass(r.band) });
		li.append(el('strong', {}, r.title), ' ',
			el('span', { class: 'band band-' + bandClass(r.band) }, r.band),
			el('br'), 'Try ', el('code', {}, r.setting + ' = ' + r.value),
			': ' + r.effect + '.', el('br'),
			el('span', { class: 'evidence' }, 'Measured: ' + r.measurement + '.'));
		$('recommendations').append(li);
	}
}

// A rated value as the text report shows it: bytes with their unit,
// others with three significant digits.
function fmtRated(v, unit) {
	if (unit === 'bytes')
		return fmtBytes(v);
	return (Math.abs(v) >= 1000 ? Math.round(v) : Number(v.toPrecision(3))) + ' ' + unit;
}

function ratingsTable(ratings) {
	const t = el('table', { class: 'ratings' });
	const head = el('tr');
	for (const h of ['metric', 'value', 'band'])
		head.append(el('th', { class: h === 'metric' ? 'where' : '' }, h));
	t.append(head);
	for (const r of ratings) {
		const tr = el('tr');
		const band = el('span', { class: 'band band-' + bandClass(r.band) }, r.band);
		const value = r.band === 'not measured' || r.value === null ?
			(r.reason || '') : fmtRated(r.value, r.unit);
		tr.append(el('td', { class: 'where' }, r.title), el('td', {}, value));
		const td = el('td');
		td.append(band);
		tr.append(td);
		t.append(tr);
	}
	return t;
}

// ---- the chart: heap, mapped bytes and RSS over time ----

// A round step for about `ticks` ticks up to max; powers of 1024 for bytes.
function niceStep(max, ticks, bytes) {
	const unit = bytes ? Math.pow(1024, Math.max(0, Math.floor(Math.log(max) / Math.log(1024)))) : 1;
	const raw = max / unit / ticks, mag = Math.pow(10, Math.floor(Math.log10(raw)));
	for (const m of [1, 2, 2.5, 5, 10])
		if (raw <= m * mag)
			return m * mag * unit;
	return 10 * mag * unit;
}

// Heap on the left axis; RSS and mapped bytes, often far bigger, on the
// right one.
function chart() {
	const tl = data.timeline, s = data.summary;
	const W = Math.max($('chart').clientWidth, 400), H = 260, L = 70, R = 70, T = 14, B = 28;
	const box = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img',
		'aria-label': 'heap and RSS over time' });
	const tmax = Math.max(s.duration_ns, 1, ...tl.map((p) => p[0]));
	const hmax = Math.max(1, s.peak_heap_bytes, ...tl.map((p) => p[1]));
	const rmax = Math.max(1, ...tl.map((p) => Math.max(p[2], p[3])));
	const x = (t) => L + (W - L - R) * t / tmax;
	const yh = (v) => H - B - (H - T - B) * v / hmax;
	const yr = (v) => H - B - (H - T - B) * v / rmax;
	axis(box, hmax, yh, L - 6, 'end', [L, W - R]);
	axis(box, rmax, yr, W - R + 6, 'start', null);
	const xstep = niceStep(tmax, 6, false);
	for (let v = 0; v <= tmax; v += xstep) {
		const t = svg('text', { x: x(v), y: H - 8, 'text-anchor': 'middle' });
		t.textContent = fmtTime(Math.round(v));
		box.append(t);
	}
	const series = [[1, 'var(--heap)', 'heap (left axis)', yh],
		[2, 'var(--mmap)', 'mapped (right axis)', yr], [3, 'var(--rss)', 'RSS (right axis)', yr]];
	for (const [i, colour, , y] of series) {
		const pts = tl.filter((p) => i !== 3 || p[3] > 0);
		if (!pts.length || !pts.some((p) => p[i] > 0))
			continue;
		box.append(svg('polyline', { fill: 'none', stroke: colour, 'stroke-width': 2,
			'vector-effect': 'non-scaling-stroke', 'data-series': i,
			points: [[0, 0, 0, 0], ...pts].map((p) => x(p[0]) + ',' + y(p[i])).join(' ') }));
	}
	markers(box, x, T, H - B);
	peak(box, x(s.peak_heap_time_ns), yh(s.peak_heap_bytes), s);
	$('chart').replaceChildren(box);
	return series;
}

function axis(box, max, y, at, anchor, grid) {
	const step = niceStep(max, 4, true);
	for (let v = 0; v <= max; v += step) {
		if (grid)
			box.append(svg('line', { x1: grid[0], x2: grid[1], y1: y(v), y2: y(v),
				stroke: '#eceff4' }));
		const t = svg('text', { x: at, y: y(v) + 4, 'text-anchor': anchor });
		t.textContent = fmtBytes(v);
		box.append(t);
	}
}

function markers(box, x, top, bottom) {
	for (const [t, name] of data.markers) {
		box.append(svg('line', { x1: x(t), x2: x(t), y1: top, y2: bottom, class: 'marker',
			stroke: 'var(--mark)', 'stroke-dasharray': '4 3' }));
		const label = svg('text', { x: x(t) + 3, y: top + 10, fill: 'var(--mark)' });
		label.textContent = name;
		box.append(label);
	}
}

function peak(box, px, py, s) {
	const dot = svg('circle', { cx: px, cy: py, r: 5, fill: 'var(--peak)', id: 'chart-peak' });
	const tip = svg('title', {});
	tip.textContent = 'peak heap ' + fmtBytes(s.peak_heap_bytes) + ' at ' +
		fmtTime(s.peak_heap_time_ns);
	dot.append(tip);
	const label = svg('text', { x: px + 8, y: Math.max(py - 6, 12), fill: 'var(--peak)' });
	label.textContent = 'peak ' + fmtBytes(s.peak_heap_bytes);
	box.append(dot, label);
}

function legend(series) {
	const l = $('chart-legend');
	for (const [, colour, name] of series) {
		l.append(el('span', { class: 'swatch', style: 'background:' + colour }), name);
	}
	l.append(el('span', { class: 'swatch', style: 'background:var(--peak)' }), 'peak heap');
	if (data.markers.length)
		l.append(el('span', { class: 'swatch', style: 'background:var(--mark)' }), 'markers');
	l.append(document.createTextNode('. Each point is the highest value in its interval.'));
}

// ---- the flame graph: an icicle, callers on top ----

const ROW = 18;
const flame = { graph: null, zoom: 0, match: null, rows: [] };

// Nodes come as flat triples (name, parent, weight), parents first.
function loadGraph(g) {
	if (g.name)
		return g;
	const n = g.nodes.length / 3;
	g.name = new Array(n);
	g.parent = new Int32Array(n);
	g.weight = new Float64Array(n);
	g.kids = Array.from({ length: n }, () => []);
	g.depth = new Int32Array(n);
	g.maxDepth = 0;
	for (let i = 0; i < n; i++) {
		g.name[i] = i ? data.names[g.nodes[3 * i]] : 'all';
		g.parent[i] = i ? g.nodes[3 * i + 1] : -1;
		g.weight[i] = g.nodes[3 * i + 2];
		if (i) {
			g.kids[g.parent[i]].push(i);
			g.depth[i] = g.depth[g.parent[i]] + 1;
			g.maxDepth = Math.max(g.maxDepth, g.depth[i]);
		}
	}
	return g;
}

function hue(name) {
	let h = 0;
	for (let i = 0; i < name.length; i++)
		h = (h * 31 + name.charCodeAt(i)) | 0;
	return h;
}

function nodeColour(g, i) {
	if (flame.match && !flame.match[i])
		return '#e4e6eb';
	if (flame.match)
		return '#b03ccf';
	const h = Math.abs(hue(g.name[i]));
	return `hsl(${10 + h % 45}, ${70 + h % 20}%, ${58 + (h >> 8) % 12}%)`;
}

function flameSetup() {
	const tabs = $('flame-tabs');
	data.flames.forEach((g, k) => {
		const b = el('button', { type: 'button', role: 'tab', 'data-key': g.key }, g.title);
		b.addEventListener('click', () => selectGraph(k));
		tabs.append(b);
	});
	$('flame-search').addEventListener('input', () => search($('flame-search').value));
	$('flame-reset').addEventListener('click', () => { flame.zoom = 0; drawFlame(); });
	const c = $('flame');
	c.addEventListener('click', (e) => {
		const i = nodeAt(e);
		if (i >= 0) {
			flame.zoom = i;
			drawFlame();
		}
	});
	c.addEventListener('mousemove', showTip);
	c.addEventListener('mouseleave', () => { $('flame-tip').hidden = true; });
	window.addEventListener('resize', drawFlame);
	const first = data.flames.findIndex((g) => g.total > 0);
	selectGraph(first < 0 ? 0 : first);
}

function selectGraph(k) {
	flame.graph = loadGraph(data.flames[k]);
	flame.zoom = 0;
	for (const b of $('flame-tabs').children)
		b.setAttribute('aria-selected', b.dataset.key === flame.graph.key);
	search($('flame-search').value);
	const g = flame.graph;
	$('flame-note').textContent = (g.total ? fmtValue(g, g.total) + ' in all. ' : 'Nothing to show. ') +
		'Width is the share of ' + describe(g) + '; click a frame to zoom, Reset to zoom out.' +
		(g.pruned ? ' ' + fmtCount(g.pruned) + ' frames under ' +
			(100 * data.prune_share).toFixed(2) + '% of the total are left out ' +
			'(they count in their caller\'s width).' : '');
}

function describe(g) {
	return { leaked: 'bytes leaked', peak: 'bytes live at the peak',
		allocated: 'bytes allocated', calls: 'allocations made' }[g.key] || g.unit;
}

function fmtValue(g, v) {
	return g.unit === 'bytes' ? fmtBytes(v) : fmtCount(v) + ' ' + g.unit;
}

// Matches are nodes whose name matches; the share counts each matched
// path once, not again for a match below a match.
function search(q) {
	const g = flame.graph;
	flame.match = null;
	$('flame-match').textContent = '';
	if (q && g) {
		let re;
		try {
			re = new RegExp(q, 'i');
		} catch (e) {
			re = new RegExp(q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
		}
		const n = g.name.length, match = new Uint8Array(n), under = new Uint8Array(n);
		let sum = 0, count = 0;
		for (let i = 1; i < n; i++) {
			match[i] = re.test(g.name[i]);
			under[i] = under[g.parent[i]] || match[g.parent[i]];
			if (match[i]) {
				count++;
				if (!under[i])
					sum += g.weight[i];
			}
		}
		flame.match = match;
		flame.matched = sum;
		$('flame-match').textContent = count ? 'Matched ' + fmtShare(sum, g.weight[0]) +
			' (' + fmtValue(g, sum) + ' of ' + fmtValue(g, g.weight[0]) + ') in ' +
			count + ' frame' + (count > 1 ? 's' : '') : 'No frame matches';
	}
	drawFlame();
}

function drawFlame() {
	const g = flame.graph, c = $('flame');
	if (!g)
		return;
	const width = c.parentElement.clientWidth || 800, ratio = window.devicePixelRatio || 1;
	const height = Math.min(Math.max(g.maxDepth + 1, 4) * ROW, 60 * ROW);
	c.width = width * ratio;
	c.height = height * ratio;
	c.style.height = height + 'px';
	const ctx = c.getContext('2d');
	ctx.scale(ratio, ratio);
	ctx.font = '12px system-ui, sans-serif';
	ctx.textBaseline = 'middle';
	flame.rows = [];
	flame.width = width;
	// The zoomed node's callers span the whole width, as it does.
	for (let a = g.parent[flame.zoom]; a >= 0; a = g.parent[a])
		drawNode(ctx, g, a, 0, width);
	drawTree(ctx, g, flame.zoom, 0, width, width / (g.weight[flame.zoom] || 1));
}

function drawTree(ctx, g, i, x, w, scale) {
	drawNode(ctx, g, i, x, w);
	let at = x;
	for (const k of g.kids[i]) {
		const kw = g.weight[k] * scale;
		if (kw >= 0.5)
			drawTree(ctx, g, k, at, kw, scale);
		at += kw;
	}
}

function drawNode(ctx, g, i, x, w) {
	const y = g.depth[i] * ROW;
	if (y >= ctx.canvas.height)
		return;
	(flame.rows[g.depth[i]] = flame.rows[g.depth[i]] || []).push([x, x + w, i]);
	ctx.fillStyle = nodeColour(g, i);
	ctx.fillRect(x, y, Math.max(w - 1, 0.5), ROW - 1);
	if (w > 36) {
		ctx.fillStyle = '#1d2330';
		ctx.save();
		ctx.beginPath();
		ctx.rect(x, y, w - 4, ROW);
		ctx.clip();
		ctx.fillText(g.name[i], x + 3, y + ROW / 2);
		ctx.restore();
	}
}

function nodeAt(e) {
	const r = $('flame').getBoundingClientRect();
	const px = e.clientX - r.left, row = flame.rows[Math.floor((e.clientY - r.top) / ROW)];
	for (const [x0, x1, i] of row || [])
		if (px >= x0 && px < x1)
			return i;
	return -1;
}

function showTip(e) {
	const i = nodeAt(e), tip = $('flame-tip'), g = flame.graph;
	if (i < 0) {
		tip.hidden = true;
		return;
	}
	tip.textContent = g.name[i] + ': ' + fmtValue(g, g.weight[i]) + ', ' +
		fmtShare(g.weight[i], g.weight[0]);
	tip.hidden = false;
	const r = $('flame').getBoundingClientRect();
	tip.style.left = Math.min(e.clientX - r.left + 12, r.width - 300) + 'px';
	tip.style.top = (e.clientY - r.top + 14) + 'px';
}

// ---- tables, sortable by any column ----

function tables() {
	for (const t of data.tables) {
		$('tables').append(el('h3', {}, t.title));
		if (!t.rows.length) {
			$('tables').append(el('p', { class: 'note' }, 'None.'));
			continue;
		}
		if (t.sites > t.rows.length)
			$('tables').append(el('p', { class: 'note' }, 'The ' + t.rows.length + ' biggest of ' +
				fmtCount(t.sites) + ' sites.'));
		$('tables').append(siteTable(t));
	}
}

function siteTable(t) {
	const table = el('table', { 'data-key': t.key });
	const head = el('tr'), cols = ['#', ...t.columns, 'allocated at'];
	cols.forEach((name, c) => {
		const th = el('th', { class: c === cols.length - 1 ? 'where' : '' }, name);
		th.addEventListener('click', () => sortTable(table, c));
		head.append(th);
	});
	const body = el('tbody');
	t.rows.forEach((r, k) => body.append(siteRow(t, r, k)));
	table.append(el('thead'), body);
	table.tHead.append(head);
	return table;
}

function siteRow(t, r, k) {
	const tr = el('tr');
	tr.append(el('td', { 'data-v': k + 1 }, k + 1));
	t.columns.forEach((name, c) => {
		const v = r.v[c];
		const bytes = name === 'bytes' || name === 'allocated';
		tr.append(el('td', { 'data-v': v }, bytes ? fmtBytes(v) : fmtCount(v)));
	});
	const where = el('td', { class: 'where', 'data-v': r.stack[0] || '' });
	const d = el('details');
	d.append(el('summary', {}, r.stack[0] || '(no stack recorded)'),
		el('pre', {}, r.stack.map((f, i) => (i ? '   ' : 'at ') + f).join('\n')));
	where.append(d);
	tr.append(where);
	return tr;
}

function sortTable(table, c) {
	const th = table.tHead.rows[0].cells[c];
	const dir = th.getAttribute('aria-sort') === 'descending' ? 'ascending' : 'descending';
	for (const h of table.tHead.rows[0].cells)
		h.removeAttribute('aria-sort');
	th.setAttribute('aria-sort', dir);
	const rows = Array.from(table.tBodies[0].rows), sign = dir === 'ascending' ? 1 : -1;
	const key = (tr) => tr.cells[c].dataset.v;
	const text = c === table.tHead.rows[0].cells.length - 1;
	rows.sort((a, b) => sign * (text ? key(a).localeCompare(key(b)) :
		Number(key(a)) - Number(key(b))));
	table.tBodies[0].append(...rows);
}

// ---- allocation sizes ----

function histogram() {
	const max = Math.max(1, ...data.histogram.map((b) => b[2]));
	for (const [lo, hi, n] of data.histogram) {
		const row = el('div', { class: 'hist-row' });
		const bar = el('div', { class: 'hist-bar', style: `width:${Math.max(0.5, 100 * n / max)}%` });
		const wrap = el('div');
		wrap.append(bar);
		row.append(el('span', {}, fmtBytes(lo) + ' - ' + fmtBytes(hi)), wrap,
			el('span', {}, fmtCount(n)));
		$('histogram').append(row);
	}
	if (!data.histogram.length)
		$('histogram').append(el('p', { class: 'note' }, 'No allocation.'));
}

header();
findings();
legend(chart());
window.addEventListener('resize', chart);
flameSetup();
tables();
histogram();
