/* glossalign serve: the page's behaviour, plain DOM code talking to the
 * JSON API of the same server (docs/API.md). No library, no network. */
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var state = { token: '', config: null, concept: null, lookupSeq: 0 };

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'class') e.className = attrs[k];
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false)
        e.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
    });
    (kids || []).forEach(function (k) {
      if (k !== null && k !== undefined)
        e.appendChild(typeof k === 'string' ? document.createTextNode(k) : k);
    });
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  function setStatus(id, msg, isError) {
    var s = $(id); s.textContent = msg || ''; s.classList.toggle('error', !!isError);
  }

  /* ---- API ---- */
  function api(method, path, body) {
    var h = { 'Accept': 'application/json' };
    var tok = state.token || $('token').value.trim();
    if (tok) h['Authorization'] = 'Bearer ' + tok;
    var init = { method: method, headers: h };
    if (body !== undefined) {
      h['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (r) {
      var ct = r.headers.get('Content-Type') || '';
      if (ct.indexOf('application/json') !== 0)
        return r.ok ? r : Promise.reject(new Error('HTTP ' + r.status));
      return r.json().then(function (j) {
        if (!r.ok) { var e = new Error(j.message || ('HTTP ' + r.status)); e.status = r.status; throw e; }
        return j;
      });
    });
  }
  function author() { return $('author').value.trim() || 'web'; }

  /* ---- tabs and keys ---- */
  var tabs = Array.prototype.slice.call(document.querySelectorAll('nav [role=tab]'));
  function showTab(id) {
    tabs.forEach(function (t) {
      var on = t.id === id;
      t.setAttribute('aria-selected', on ? 'true' : 'false');
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute('aria-controls')).hidden = !on;
    });
  }
  tabs.forEach(function (t, i) {
    t.addEventListener('click', function () { showTab(t.id); });
    t.addEventListener('keydown', function (ev) {
      var d = ev.key === 'ArrowRight' ? 1 : ev.key === 'ArrowLeft' ? -1 : 0;
      if (!d) return;
      var n = tabs[(i + d + tabs.length) % tabs.length];
      showTab(n.id); n.focus(); ev.preventDefault();
    });
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.altKey && !ev.ctrlKey && ev.key >= '1' && ev.key <= String(tabs.length)) {
      var t = tabs[+ev.key - 1]; showTab(t.id);
      var first = { 'tab-lookup': 'q', 'tab-annotate': 'ann-text', 'tab-edit': 'ed-find', 'tab-export': null,
        'tab-check': $('ck-doc').hidden ? 'ck-src' : 'ck-go' }[t.id];
      (first ? $(first) : t).focus(); ev.preventDefault();
    } else if (ev.key === '/' && !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) {
      showTab('tab-lookup'); $('q').focus(); $('q').select(); ev.preventDefault();
    } else if ((ev.ctrlKey || ev.metaKey) && ev.key === 'Enter' && !$('p-annotate').hidden) {
      annotate(); ev.preventDefault();
    } else if ((ev.ctrlKey || ev.metaKey) && ev.key === 'Enter' && !$('p-check').hidden) {
      check(); ev.preventDefault();
    } else if ((ev.ctrlKey || ev.metaKey) && (ev.key === 's' || ev.key === 'S') && !$('p-edit').hidden) {
      saveConcept(); ev.preventDefault();
    }
  });

  /* ---- a concept as a card ---- */
  function termsTable(entry, hits) {
    var rows = entry.terms.map(function (t) {
      var hit = hits && hits.indexOf(t.id) >= 0;
      return el('tr', { class: 'st-' + t.status + (hit ? ' hit' : '') }, [
        el('td', { class: 'lang', text: t.lang }),
        el('td', { class: 'text', lang: t.lang, text: t.text }),
        el('td', { class: 'st-' + t.status, text: t.status + (t.type !== 'fullForm' ? ', ' + t.type : '') })
      ]);
    });
    return el('table', { class: 'terms' }, [el('tbody', null, rows)]);
  }
  function preferred(entry, lang) {
    var best = null;
    entry.terms.forEach(function (t) {
      if (t.lang !== lang) return;
      if (!best || (t.status === 'preferred' && best.status !== 'preferred')) best = t;
    });
    return best ? best.text : null;
  }
  function conceptCard(entry, opts) {
    opts = opts || {};
    var title = preferred(entry, 'vi') || preferred(entry, 'fr') || entry.terms[0].text;
    var head = el('h3', { lang: preferred(entry, 'vi') ? 'vi' : null }, [title,
      opts.match ? el('span', { class: 'badge', text: opts.match }) : null,
      opts.ambiguous ? el('span', { class: 'badge amb', text: 'ambiguous' }) : null]);
    var kids = [head, el('div', { class: 'ref', text: entry.ref + ' · ' + entry.kind + (entry.subject ? ' · ' + entry.subject : '') })];
    if (entry.definition) kids.push(el('p', { text: entry.definition }));
    kids.push(termsTable(entry, opts.hits));
    if (entry.note) kids.push(el('p', { class: 'muted', text: entry.note }));
    kids.push(el('div', { class: 'actions' }, [
      el('button', { type: 'button', text: 'Edit', 'aria-label': 'Edit ' + entry.ref, onclick: function () { openConcept(entry.ref, true); } })
    ]));
    return el('article', { class: 'card', 'data-ref': entry.ref }, kids);
  }

  /* ---- look up ---- */
  var lookupTimer = null;
  function lookupSoon() { clearTimeout(lookupTimer); lookupTimer = setTimeout(lookup, 120); }
  function lookup() {
    var q = $('q').value.trim(), seq = ++state.lookupSeq, res = $('results');
    if (!q) { clear(res); setStatus('lookup-status', ''); return; }
    var lang = $('q-lang').value;
    var path = '/api/lookup?prefix=1&q=' + encodeURIComponent(q) + (lang ? '&lang=' + lang : '');
    api('GET', path).then(function (j) {
      if (seq !== state.lookupSeq) return;
      if (j.count) {
        clear(res);
        j.results.forEach(function (r) {
          res.appendChild(conceptCard(r.entry, { match: r.match, hits: r.hits, ambiguous: j.ambiguous }));
        });
        if (j.match === 'prefix')
          setStatus('lookup-status', j.count + (j.count > 1 ? ' concepts have' : ' concept has') +
            ' a term beginning with “' + q + '” (keep typing to narrow)');
        else
          setStatus('lookup-status', j.count + (j.count > 1 ? ' concepts match' : ' concept matches') +
            ' “' + q + '” (' + j.match + ')' + (j.ambiguous ? ' — ambiguous: compare them side by side' : ''));
        return;
      }
      return api('GET', '/api/resolve?q=' + encodeURIComponent(q) + '&limit=6').then(function (r) {
        if (seq !== state.lookupSeq) return;
        clear(res);
        if (!r.candidates.length) { setStatus('lookup-status', 'Nothing in the glossary for “' + q + '”.'); return; }
        setStatus('lookup-status', 'No exact entry; names that may be meant (' + r.status + '):');
        var shown = r.candidates.slice(0, r.status === 'ambiguous' ? 6 : 3);
        return Promise.all(shown.map(function (c) { return api('GET', '/api/entries/' + encodeURIComponent(c.entry)); }))
          .then(function (entries) {
            if (seq !== state.lookupSeq) return;
            entries.forEach(function (e, i) {
              var card = conceptCard(e, { match: 'score ' + shown[i].score.toFixed(2), ambiguous: r.status === 'ambiguous' });
              card.insertBefore(el('p', { class: 'muted', text: shown[i].reasons }), card.querySelector('table'));
              res.appendChild(card);
            });
          });
      });
    }).catch(function (e) { if (seq === state.lookupSeq) setStatus('lookup-status', e.message, true); });
  }
  $('q').addEventListener('input', lookupSoon);
  $('q-lang').addEventListener('change', lookup);

  /* ---- annotate ---- */
  var annData = null, selMark = null;
  function annotate() {
    var text = $('ann-text').value;
    if (!text.trim()) { setStatus('ann-status', 'Paste or open a document first.', true); return; }
    setStatus('ann-status', 'Annotating…');
    var body = { text: text, from: $('ann-from').value, to: $('ann-to').value };
    api('POST', '/api/annotate', body).then(function (j) {
      annData = j; renderAnnotated(text, j);
      /* Keyboard users land on the first mention; Tab walks the others. */
      var first = $('ann-doc').querySelector('mark.m');
      (first || $('ann-go')).focus();
      setStatus('ann-status', j.mentions.length + ' mentions of ' + j.concepts.length + ' concepts; equivalents in ' + j.to + '.');
    }).catch(function (e) { setStatus('ann-status', e.message, true); });
  }
  function renderAnnotated(text, j) {
    var doc = $('ann-doc'); clear(doc); doc.setAttribute('lang', j.from);
    var at = 0;
    j.mentions.forEach(function (m, i) {
      if (m.ustart < at) return;
      doc.appendChild(document.createTextNode(text.slice(at, m.ustart)));
      var cls = 'm k-' + m.kind + ' lv-' + m.level + (m.flags.indexOf('ambiguous') >= 0 ? ' ambiguous' : '') +
        (m.flags.indexOf('glued') >= 0 ? ' glued' : '');
      doc.appendChild(el('mark', { class: cls, tabindex: '0', 'data-i': String(i),
        title: m.canonical + (m.target ? ' → ' + j.to + ': ' + m.target : '') }, [text.slice(m.ustart, m.uend)]));
      at = m.uend;
    });
    doc.appendChild(document.createTextNode(text.slice(at)));
    var tb = $('ann-concepts').querySelector('tbody'); clear(tb);
    j.concepts.forEach(function (c) {
      var tr = el('tr', { class: 'link', tabindex: '0' }, [
        el('td', null, [c.canonical, el('div', { class: 'ref', text: c.entry })]),
        el('td', { text: c.kind }), el('td', { lang: j.to, text: c.target || '—' }), el('td', { text: String(c.count) })]);
      function go() {
        var idx = -1;
        j.mentions.some(function (m, i) { if (m.entry === c.entry) { idx = i; return true; } return false; });
        var mk = doc.querySelector('mark[data-i="' + idx + '"]');
        if (mk) { mk.focus(); mk.scrollIntoView({ block: 'center' }); }
      }
      tr.addEventListener('click', go);
      tr.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') go(); });
      tb.appendChild(tr);
    });
    $('ann-text').hidden = true; $('ann-view').hidden = false;
  }
  function showMention(mk) {
    var m = annData && annData.mentions[+mk.getAttribute('data-i')];
    if (!m) return;
    if (selMark) selMark.classList.remove('selected');
    selMark = mk; mk.classList.add('selected');
    var p = $('ann-panel'); clear(p);
    p.appendChild(el('p', { class: 'muted', text: '“' + m.surface + '” · ' + m.level + ' match · score ' + m.score.toFixed(2) }));
    if (m.alternatives.length) p.appendChild(el('p', { class: 'badge amb', text: 'ambiguous: also ' + m.alternatives.map(function (a) { return a.canonical + ' (' + a.entry + ')'; }).join(', ') }));
    api('GET', '/api/entries/' + encodeURIComponent(m.entry)).then(function (e) {
      if (selMark !== mk) return;
      p.appendChild(conceptCard(e, { match: m.level }));
    }).catch(function (e) { p.appendChild(el('p', { class: 'status error', text: e.message })); });
  }
  $('ann-doc').addEventListener('focusin', function (ev) { if (ev.target.matches('mark.m')) showMention(ev.target); });
  $('ann-doc').addEventListener('click', function (ev) { var mk = ev.target.closest('mark.m'); if (mk) mk.focus(); });
  $('ann-go').addEventListener('click', annotate);
  $('ann-clear').addEventListener('click', function () { $('ann-view').hidden = true; $('ann-text').hidden = false; $('ann-text').focus(); });
  $('ann-from').addEventListener('change', function () {
    if ($('ann-from').value === $('ann-to').value) $('ann-to').value = $('ann-from').value === 'vi' ? 'fr' : 'vi';
  });
  $('ann-file').addEventListener('change', function () {
    var f = this.files[0]; if (!f) return;
    var rd = new FileReader();
    rd.onload = function () {
      $('ann-text').value = rd.result; $('ann-view').hidden = true; $('ann-text').hidden = false;
      setStatus('ann-status', 'Opened ' + f.name + ' (' + f.size + ' bytes, read as UTF-8).');
      annotate();
    };
    rd.onerror = function () { setStatus('ann-status', 'Cannot read ' + f.name, true); };
    rd.readAsText(f, 'utf-8');
  });

  /* ---- check ---- */
  var SEVERITY = { info: 0, warning: 1, error: 2 };
  var ckDoc = null, ckSeq = 0;
  function checkBody() {
    var body = { numbers: $('ck-numbers').checked, consistency: $('ck-consistency').checked };
    if ($('ck-from').value) body.from = $('ck-from').value;
    if ($('ck-to').value) body.to = $('ck-to').value;
    if (ckDoc) { body.document = ckDoc.text; body.name = ckDoc.name; return { body: body, pairs: null }; }
    var src = $('ck-src').value, tgt = $('ck-tgt').value;
    if (!src.trim() || !tgt.trim()) return null;
    /* Same number of lines on both sides: a segment per line. */
    var sl = src.replace(/\s+$/, '').split(/\r?\n/), tl = tgt.replace(/\s+$/, '').split(/\r?\n/), pairs = [];
    if (sl.length > 1 && sl.length === tl.length) {
      sl.forEach(function (s, i) { if (s.trim() || tl[i].trim()) pairs.push({ id: String(i + 1), source: s, target: tl[i] }); });
    } else {
      pairs.push({ id: '1', source: src, target: tgt });
    }
    body.segments = pairs;
    return { body: body, pairs: pairs };
  }
  function check() {
    var req = checkBody();
    if (!req) { setStatus('ck-status', 'Paste a source segment and its translation, or open a bilingual file.', true); return; }
    var seq = ++ckSeq;
    setStatus('ck-status', 'Checking…');
    api('POST', '/api/check', req.body).then(function (j) {
      if (seq !== ckSeq) return;
      renderCheck(j, req.pairs || j.pairs);
    }).catch(function (e) { if (seq === ckSeq) { setStatus('ck-status', e.message, true); $('ck-results').hidden = true; clear($('ck-summary')); } });
  }
  /* `text` with the spans of the findings in `fs` (UTF-16 offsets on side
   * `side`) highlighted; overlapping spans split the text at every edge. */
  function markedText(cell, text, fs, side) {
    var spans = [];
    fs.forEach(function (f) {
      var sp = f[side];
      if (sp && sp.uend > sp.ustart && sp.uend <= text.length) spans.push({ a: sp.ustart, b: sp.uend, f: f });
    });
    var cuts = [0, text.length];
    spans.forEach(function (s) { cuts.push(s.a, s.b); });
    cuts = cuts.sort(function (x, y) { return x - y; }).filter(function (x, i, v) { return i === 0 || x !== v[i - 1]; });
    for (var i = 0; i + 1 < cuts.length; i++) {
      var a = cuts[i], b = cuts[i + 1], piece = text.slice(a, b);
      var over = spans.filter(function (s) { return s.a <= a && s.b >= b; });
      if (!over.length) { cell.appendChild(document.createTextNode(piece)); continue; }
      var worst = over.reduce(function (w, s) { return SEVERITY[s.f.severity] > SEVERITY[w] ? s.f.severity : w; }, 'info');
      cell.appendChild(el('mark', { class: 'f sev-' + worst, 'data-f': over.map(function (s) { return s.f.n; }).join(' '),
        title: over.map(function (s) { return s.f.severity + ' ' + s.f.kind + ': ' + s.f.message; }).join('\n') }, [piece]));
    }
  }
  function renderCheck(j, pairs) {
    var tb = $('ck-results').querySelector('tbody'); clear(tb);
    var bySeg = {}, counts = { error: 0, warning: 0, info: 0 };
    j.findings.forEach(function (f, n) {
      f.n = n; counts[f.severity] = (counts[f.severity] || 0) + 1;
      (bySeg[f.index] = bySeg[f.index] || []).push(f);
    });
    var untranslated = (pairs || []).filter(function (p) { return p.translated === false; }).length;
    var segWith = Object.keys(bySeg).length;
    setStatus('ck-status', j.count + (j.count === 1 ? ' finding' : ' findings') + ' in ' + segWith + ' of ' + j.segments +
      (j.segments === 1 ? ' segment' : ' segments') + ' (' + j.from + ' → ' + j.to + ')' +
      (untranslated ? '; ' + untranslated + ' not translated' : '') +
      (j.count ? '.' : ': the translation agrees with the glossary.'));
    var sum = $('ck-summary'); clear(sum);
    ['error', 'warning', 'info'].forEach(function (s) {
      if (counts[s]) sum.appendChild(el('span', { class: 'sev-' + s, text: counts[s] + ' ' + s + (counts[s] > 1 ? 's' : '') }));
    });
    (pairs || []).forEach(function (p, i) {
      var fs = bySeg[i];
      if (!fs) return;
      var src = el('td', { class: 'src', lang: j.from }), tgt = el('td', { class: 'tgt', lang: j.to });
      markedText(src, p.source, fs, 'source'); markedText(tgt, p.target, fs, 'target');
      var ul = el('ul', { class: 'findings' }, fs.map(function (f) {
        return el('li', { class: 'f sev-' + f.severity, tabindex: '0', 'data-f': String(f.n), 'data-kind': f.kind }, [
          el('span', { class: 'sev', text: f.severity }), ' ', el('span', { class: 'kind', text: f.kind }), ' ',
          el('span', { class: 'msg', text: f.message }),
          f.expected ? el('div', { class: 'exp' }, ['expected: ', el('span', { lang: j.to, text: f.expected })]) : null,
          f.entry ? el('div', { class: 'ref', text: f.entry }) : null]);
      }));
      tb.appendChild(el('tr', { 'data-segment': p.id }, [
        el('td', { class: 'seg' }, [p.id, p.line ? el('div', { class: 'muted', text: 'line ' + p.line }) : null]),
        src, tgt, el('td', null, [ul])]));
    });
    $('ck-results').hidden = !j.count;
    var first = tb.querySelector('li.f');
    if (first) first.focus();
  }
  function selectFinding(li) {
    var n = li.getAttribute('data-f');
    Array.prototype.forEach.call($('ck-results').querySelectorAll('.selected'), function (e) { e.classList.remove('selected'); });
    li.classList.add('selected');
    Array.prototype.forEach.call(li.closest('tr').querySelectorAll('mark.f'), function (m) {
      if (m.getAttribute('data-f').split(' ').indexOf(n) >= 0) m.classList.add('selected');
    });
  }
  $('ck-results').addEventListener('focusin', function (ev) { if (ev.target.matches('li.f')) selectFinding(ev.target); });
  $('ck-results').addEventListener('click', function (ev) {
    var mk = ev.target.closest('mark.f'), li = ev.target.closest('li.f');
    if (mk) li = $('ck-results').querySelector('li.f[data-f="' + mk.getAttribute('data-f').split(' ')[0] + '"]');
    if (li) li.focus();
  });
  $('ck-results').addEventListener('keydown', function (ev) {
    if (!ev.target.matches('li.f') || (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp')) return;
    var all = Array.prototype.slice.call($('ck-results').querySelectorAll('li.f'));
    var i = all.indexOf(ev.target) + (ev.key === 'ArrowDown' ? 1 : -1);
    if (i >= 0 && i < all.length) all[i].focus();
    ev.preventDefault();
  });
  function readFile(input, done) {
    var f = input.files[0]; if (!f) return;
    var rd = new FileReader();
    rd.onload = function () { done(f, rd.result); input.value = ''; };
    rd.onerror = function () { setStatus('ck-status', 'Cannot read ' + f.name, true); };
    rd.readAsText(f, 'utf-8');
  }
  function setDoc(doc) {
    ckDoc = doc;
    $('ck-doc').hidden = !doc; $('ck-pair').hidden = !!doc;
    $('ck-doc-name').textContent = doc ? doc.name + ' (' + doc.size + ' bytes)' : '';
  }
  $('ck-src-file').addEventListener('change', function () {
    readFile(this, function (f, text) { setDoc(null); $('ck-src').value = text; setStatus('ck-status', 'Opened ' + f.name + ' as the source.'); $('ck-src').focus(); });
  });
  $('ck-tgt-file').addEventListener('change', function () {
    readFile(this, function (f, text) { setDoc(null); $('ck-tgt').value = text; setStatus('ck-status', 'Opened ' + f.name + ' as the translation.'); $('ck-tgt').focus(); });
  });
  $('ck-doc-file').addEventListener('change', function () {
    readFile(this, function (f, text) { setDoc({ name: f.name, size: f.size, text: text }); check(); });
  });
  $('ck-doc-clear').addEventListener('click', function () { setDoc(null); $('ck-src').focus(); });
  $('ck-go').addEventListener('click', check);

  /* ---- edit ---- */
  var STATUSES = ['preferred', 'admitted', 'deprecated', 'superseded', 'forbidden'];
  var TYPES = ['fullForm', 'acronym', 'abbreviation', 'shortForm', 'variant', 'transliteration'];
  function select(opts, value, label) {
    return el('select', { 'aria-label': label }, opts.map(function (o) { return el('option', { value: o, selected: o === value, text: o }); }));
  }
  function termRow(t) {
    var tr = el('tr', { 'data-id': t.id ? String(t.id) : '' }, [
      el('td', { class: 'l' }, [el('input', { class: 't-lang', value: t.lang || '', 'aria-label': 'Language', spellcheck: 'false' })]),
      el('td', null, [el('input', { class: 't-text', value: t.text || '', 'aria-label': 'Term', lang: t.lang || null })]),
      el('td', null, [select(STATUSES, t.status || 'admitted', 'Status')]),
      el('td', null, [select(TYPES, t.type || 'fullForm', 'Type')]),
      el('td', null, [el('input', { class: 't-note', value: t.note || '', 'aria-label': 'Note' })]),
      el('td', null, [el('input', { class: 't-source', value: t.source || '', 'aria-label': 'Source' })]),
      el('td', null, [el('button', { type: 'button', text: 'Remove', 'aria-label': 'Remove this term',
        onclick: function () { tr.remove(); } })])
    ]);
    tr._term = t;
    return tr;
  }
  function fillForm(e) {
    state.concept = e;
    $('ed-form').hidden = false;
    $('ed-ref').value = e ? e.ref : '';
    $('ed-kind').value = e ? e.kind : 'term';
    $('ed-subject').value = e && e.subject || '';
    $('ed-definition').value = e && e.definition || '';
    $('ed-note').value = e && e.note || '';
    var tb = $('ed-terms'); clear(tb);
    (e ? e.terms : [{ lang: 'fr', status: 'preferred' }, { lang: 'vi', status: 'preferred' }])
      .forEach(function (t) { tb.appendChild(termRow(t)); });
    $('ed-delete').hidden = !e;
    clear($('ed-history'));
    if (e) loadHistory(e.ref);
  }
  function formValue(s) { return s === '' ? null : s; }
  function formConcept() {
    var terms = [];
    Array.prototype.forEach.call($('ed-terms').rows, function (tr) {
      var text = tr.querySelector('.t-text').value.trim(), lang = tr.querySelector('.t-lang').value.trim();
      if (!text && !lang) return;
      var old = tr._term || {}, t = {
        lang: lang, text: text, status: tr.cells[2].firstChild.value, type: tr.cells[3].firstChild.value,
        note: formValue(tr.querySelector('.t-note').value.trim()), source: formValue(tr.querySelector('.t-source').value.trim()),
        pos: old.pos || null, 'case': old['case'] || ''
      };
      if (old.id) t.id = old.id;
      terms.push(t);
    });
    return {
      ref: $('ed-ref').value.trim(), kind: $('ed-kind').value, subject: formValue($('ed-subject').value.trim()),
      definition: formValue($('ed-definition').value.trim()), note: formValue($('ed-note').value.trim()),
      homonym: state.concept ? state.concept.homonym : false, terms: terms, author: author()
    };
  }
  function openConcept(key, focus) {
    showTab('tab-edit');
    $('ed-find').value = key;
    setStatus('ed-status', 'Opening ' + key + '…');
    return api('GET', '/api/entries/' + encodeURIComponent(key)).then(function (e) {
      fillForm(e); setStatus('ed-status', 'Editing ' + e.ref + ' (id ' + e.id + ').');
      if (focus) $('ed-ref').focus();
    }).catch(function (e) { setStatus('ed-status', e.message, true); });
  }
  function saveConcept() {
    if ($('ed-form').hidden) return;
    var c = formConcept(), cur = state.concept;
    var req = cur ? api('PUT', '/api/entries/' + encodeURIComponent(cur.id), c) : api('POST', '/api/entries', c);
    setStatus('ed-status', 'Saving…');
    req.then(function (e) {
      fillForm(e); $('ed-find').value = e.ref;
      setStatus('ed-status', 'Saved ' + e.ref + ' (' + e.terms.length + ' terms).');
      refreshInfo();
    }).catch(function (e) { setStatus('ed-status', 'Not saved: ' + e.message, true); });
  }
  function deleteConcept() {
    var cur = state.concept; if (!cur) return;
    if (!window.confirm('Delete ' + cur.ref + ' and its ' + cur.terms.length + ' terms?')) return;
    api('DELETE', '/api/entries/' + encodeURIComponent(cur.id) + '?author=' + encodeURIComponent(author())).then(function () {
      setStatus('ed-status', 'Deleted ' + cur.ref + '.'); state.concept = null; $('ed-form').hidden = true; refreshInfo();
    }).catch(function (e) { setStatus('ed-status', e.message, true); });
  }
  function describe(v) {
    if (v === null || v === undefined) return '∅';
    if (Array.isArray(v)) return v.map(function (t) { return t && t.text ? t.lang + ':' + t.text : JSON.stringify(t); }).join(', ');
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  function loadHistory(ref) {
    api('GET', '/api/entries/' + encodeURIComponent(ref) + '/history').then(function (h) {
      var ol = $('ed-history'); clear(ol);
      if (!h.changes.length) ol.appendChild(el('li', { class: 'muted', text: 'No recorded change.' }));
      h.changes.slice().reverse().forEach(function (c) {
        var when = new Date(c.at * 1000).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
        var li = el('li', null, [el('strong', { text: when }), ' · ' + (c.author || '?') + ' · ',
          el('span', { class: 'what', text: c.action + ' ' + c.table })]);
        var o = c.old || {}, n = c['new'] || {}, keys = {};
        Object.keys(o).concat(Object.keys(n)).forEach(function (k) { keys[k] = 1; });
        var ul = el('ul');
        Object.keys(keys).forEach(function (k) {
          var a = describe(o[k]), b = describe(n[k]);
          if (a === b || k === 'id' || k === 'created' || k === 'updated') return;
          ul.appendChild(el('li', null, [k + ': ', c.old ? el('del', { text: a }) : null, c.old && c['new'] ? ' → ' : '', c['new'] ? el('ins', { text: b }) : null]));
        });
        li.appendChild(ul); ol.appendChild(li);
      });
    }).catch(function (e) { setStatus('ed-status', 'History: ' + e.message, true); });
  }
  $('ed-load').addEventListener('click', function () { if ($('ed-find').value.trim()) openConcept($('ed-find').value.trim()); });
  $('ed-find').addEventListener('keydown', function (ev) { if (ev.key === 'Enter' && this.value.trim()) { openConcept(this.value.trim()); ev.preventDefault(); } });
  $('ed-new').addEventListener('click', function () { fillForm(null); setStatus('ed-status', 'New concept: fill in a ref and its terms, then save.'); $('ed-ref').focus(); });
  $('ed-add-term').addEventListener('click', function () {
    var tr = termRow({ lang: '', status: 'admitted' }); $('ed-terms').appendChild(tr); tr.querySelector('.t-lang').focus();
  });
  $('ed-form').addEventListener('submit', function (ev) { ev.preventDefault(); saveConcept(); });
  $('ed-delete').addEventListener('click', deleteConcept);

  /* ---- export and stats ---- */
  Array.prototype.forEach.call(document.querySelectorAll('#p-export [data-format]'), function (b) {
    b.addEventListener('click', function () {
      var f = b.getAttribute('data-format');
      setStatus('ex-status', 'Exporting ' + f + '…');
      api('GET', '/api/export?format=' + f).then(function (r) {
        var name = /filename="([^"]+)"/.exec(r.headers.get('Content-Disposition') || '');
        return r.blob().then(function (blob) {
          var a = el('a', { href: URL.createObjectURL(blob), download: name ? name[1] : 'glossary.' + f });
          document.body.appendChild(a); a.click(); a.remove();
          setStatus('ex-status', 'Downloaded ' + (name ? name[1] : f) + ' (' + blob.size + ' bytes).');
        });
      }).catch(function (e) { setStatus('ex-status', e.message, true); });
    });
  });
  function refreshInfo() {
    return api('GET', '/api/stats').then(function (s) {
      $('glossary-info').textContent = (state.config ? state.config.glossary + ' · ' : '') + s.entries + ' concepts, ' + s.terms + ' terms' +
        (state.config && state.config.read_only ? ' · read-only' : '');
      var st = $('stats'); clear(st);
      var rows = [['concepts', s.entries], ['terms', s.terms], ['changes logged', s.changes]];
      Object.keys(s.kinds).forEach(function (k) { rows.push(['kind ' + k, s.kinds[k]]); });
      Object.keys(s.langs).forEach(function (k) { rows.push(['terms in ' + k, s.langs[k]]); });
      st.appendChild(el('table', { class: 'grid' }, [el('tbody', null, rows.map(function (r) {
        return el('tr', null, [el('td', { text: r[0] }), el('td', { text: String(r[1]) })]);
      }))]));
    }).catch(function (e) { $('glossary-info').textContent = e.message; });
  }

  /* ---- start ---- */
  var meta = document.querySelector('meta[name=gla-token]');
  state.token = meta ? meta.getAttribute('content') : '';
  var hash = /[#&]token=([^&]+)/.exec(location.hash);
  if (hash) { sessionStorage.setItem('gla-token', decodeURIComponent(hash[1])); history.replaceState(null, '', location.pathname); }
  if (!state.token) {
    $('token-box').hidden = false;
    $('token').value = sessionStorage.getItem('gla-token') || '';
    $('token').addEventListener('change', function () { sessionStorage.setItem('gla-token', this.value.trim()); refreshInfo(); });
  }
  $('author').value = localStorage.getItem('gla-author') || '';
  $('author').addEventListener('change', function () { localStorage.setItem('gla-author', this.value.trim()); });
  api('GET', '/api/config').then(function (c) {
    state.config = c;
    if (c.read_only) { $('ed-new').disabled = true; $('ed-save').disabled = true; $('ed-delete').disabled = true; }
    return refreshInfo();
  }).catch(function (e) { $('glossary-info').textContent = e.message; })
    .then(function () { document.body.setAttribute('data-ready', '1'); });
  $('q').focus();
})();
