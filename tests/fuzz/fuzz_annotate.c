/*
 * Fuzz target for the scanner: any bytes, fed whole and in chunks chosen by
 * the input, with options chosen by the input. Asserts that it never fails,
 * that spans lie inside the input and cover valid UTF-8, that mentions come
 * in order and (without --all) never overlap, that surfaces are the input's
 * bytes, and that chunking changes nothing. On valid UTF-8 it also runs
 * the partial-mention finder over the matcher's mentions (see partial()).
 */
#include <glossalign.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *ref;
    gla_kind kind;
    const char *lang;
    const char *text;
    gla_term_type type;
} terms[] = {
    {"person.hoang-xuan-chien", GLA_KIND_PERSON, "vi", "Hoàng Xuân Chiến",
     GLA_TYPE_FULL_FORM},
    {"person.andrei-belousov", GLA_KIND_PERSON, "fr", "Andreï Beloussov",
     GLA_TYPE_FULL_FORM},
    {"place.ha-noi", GLA_KIND_PLACE, "vi", "Hà Nội", GLA_TYPE_FULL_FORM},
    {"org.onu", GLA_KIND_ORGANIZATION, "fr", "Nations unies",
     GLA_TYPE_FULL_FORM},
    {"org.onu", GLA_KIND_ORGANIZATION, "fr", "ONU", GLA_TYPE_ACRONYM},
    {"term.paix", GLA_KIND_TERM, "fr", "maintien de la paix",
     GLA_TYPE_FULL_FORM},
    {"term.hopital", GLA_KIND_TERM, "fr", "hôpital de campagne",
     GLA_TYPE_FULL_FORM},
    {"rank.ttg", GLA_KIND_RANK, "fr", "général de corps d'armée",
     GLA_TYPE_FULL_FORM},
    {"rank.vice", GLA_KIND_RANK, "fr", "vice-ministre de la Défense",
     GLA_TYPE_FULL_FORM},
    {"rank.min", GLA_KIND_RANK, "fr", "ministre de la Défense",
     GLA_TYPE_FULL_FORM},
    {"person.yu", GLA_KIND_PERSON, "fr", "Yu. M. Staviskiy",
     GLA_TYPE_FULL_FORM},
    {"title.pres", GLA_KIND_RANK, "fr", "président", GLA_TYPE_FULL_FORM},
    {"title.pres2", GLA_KIND_RANK, "fr", "président", GLA_TYPE_FULL_FORM},
    {"term.doc", GLA_KIND_ACRONYM, "fr", "DOC", GLA_TYPE_ACRONYM},
};

static gla_matcher *matcher(void)
{
    static gla_matcher *m;
    if (m)
        return m;
    gla_matcher_builder *b = NULL;
    if (gla_matcher_builder_new(&b, NULL) != GLA_OK)
        abort();
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
        gla_entry e;
        gla_term t;
        memset(&e, 0, sizeof e);
        memset(&t, 0, sizeof t);
        e.ref = (char *)terms[i].ref;
        e.kind = terms[i].kind;
        t.lang = (char *)terms[i].lang;
        t.text = (char *)terms[i].text;
        t.type = terms[i].type;
        t.status = GLA_STATUS_PREFERRED;
        e.terms = &t;
        e.n_terms = 1;
        if (gla_matcher_builder_add(b, &e) != GLA_OK)
            abort();
    }
    if (gla_matcher_build(&m, b, 0) != GLA_OK)
        abort();
    gla_matcher_builder_free(b);
    return m;
}

static int valid_utf8(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t k = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2
                                 : c >= 0xE0 && c < 0xF0 ? 3
                                 : c >= 0xF0 && c < 0xF5 ? 4 : 0;
        if (!k || i + k > n)
            return 0;
        for (size_t j = 1; j < k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
        i += k;
    }
    return 1;
}

typedef struct rec {
    size_t start, end;
    uint32_t entry;
    int level;
    unsigned flags;
} rec;

/* Scan `data` in chunks of `chunk` bytes (0: whole); the mentions go to
 * out[], their number is returned. */
static size_t scan(rec *out, size_t cap, const uint8_t *data, size_t size,
                   size_t chunk, const gla_scan_options *opt)
{
    gla_scanner *s = NULL;
    if (gla_scanner_new(&s, matcher(), opt) != GLA_OK)
        abort();
    size_t at = 0, n = 0, settled = 0;
    do {
        size_t k = chunk && size - at > chunk ? chunk : size - at;
        if (gla_scanner_feed(s, (const char *)data + at, k, at + k == size) !=
            GLA_OK)
            abort();
        at += k;
        gla_mention m;
        while (gla_scanner_next(&m, s) == GLA_OK) {
            if (m.span.start >= m.span.end || m.span.end > at ||
                m.span.start < settled)
                abort();
            if (memcmp(m.surface, data + m.span.start,
                       m.span.end - m.span.start) != 0)
                abort();
            if (!valid_utf8(data + m.span.start, m.span.end - m.span.start))
                abort();
            if (m.level < GLA_MATCH_EXACT || m.level > GLA_MATCH_INFLECTION ||
                !(m.score > 0 && m.score <= 1))
                abort();
            if (n && (m.span.start < out[n - 1].start ||
                      (!opt->all && m.span.start < out[n - 1].end)))
                abort();
            if (n < cap)
                out[n] = (rec){m.span.start, m.span.end, m.entry,
                               (int)m.level, m.flags};
            n++;
        }
        size_t st = gla_scanner_settled(s);
        if (st < settled || st > at)
            abort();
        settled = st;
    } while (at < size);
    if (settled != size)
        abort();
    gla_scanner_free(s);
    return n;
}

/* Partial mentions over the whole text, from the matcher's mentions:
 * hits lie inside the text on character boundaries, in order, after their
 * title, overlapping no full mention, name a person; a second run after
 * a reset gives the same hits. */
static void partial(const uint8_t *data, size_t size)
{
    static gla_mention ms[4096];
    gla_scan_options opt = GLA_SCAN_OPTIONS_INIT;
    gla_scanner *s = NULL;
    if (gla_scanner_new(&s, matcher(), &opt) != GLA_OK ||
        gla_scanner_feed(s, (const char *)data, size, 1) != GLA_OK)
        abort();
    size_t n = 0;
    gla_mention m;
    while (gla_scanner_next(&m, s) == GLA_OK)
        if (n < 4096)
            ms[n++] = m;
    gla_partial *p = NULL;
    if (gla_partial_new(&p, matcher()) != GLA_OK)
        abort();
    static gla_partial_hit first[512];
    size_t nfirst = 0;
    for (int round = 0; round < 2; round++) {
        gla_partial_reset(p);
        if (gla_partial_feed(p, (const char *)data, size, size, 0, ms, n) !=
            GLA_OK)
            abort();
        size_t nh = 0;
        const gla_partial_hit *h = gla_partial_hits(p, &nh);
        for (size_t i = 0; i < nh; i++) {
            const gla_partial_hit *x = &h[i];
            if (x->span.start >= x->span.end || x->span.end > size ||
                x->title.end > x->span.start || !x->ref ||
                x->n_alt > GLA_PARTIAL_MAX_ALT || x->score != GLA_PARTIAL_SCORE)
                abort();
            if (i && x->span.start < h[i - 1].span.end)
                abort();
            if (!valid_utf8(data + x->span.start, x->span.end - x->span.start))
                abort();
            for (size_t j = 0; j < n; j++)
                if (x->span.start < ms[j].span.end &&
                    ms[j].span.start < x->span.end)
                    abort();
        }
        if (round == 0) {
            nfirst = nh < 512 ? nh : 512;
            if (nfirst)
                memcpy(first, h, nfirst * sizeof *h);
        } else {
            if ((nh < 512 ? nh : 512) != nfirst)
                abort();
            for (size_t i = 0; i < nfirst; i++)
                if (first[i].span.start != h[i].span.start ||
                    first[i].span.end != h[i].span.end ||
                    first[i].title.start != h[i].title.start ||
                    first[i].entry != h[i].entry ||
                    first[i].ambiguous != h[i].ambiguous ||
                    first[i].n_alt != h[i].n_alt)
                    abort();
        }
    }
    gla_partial_free(p);
    gla_scanner_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    gla_scan_options opt = GLA_SCAN_OPTIONS_INIT;
    opt.all = data[0] & 1;
    opt.levels = (data[0] >> 1) & GLA_MATCH_LEVELS_ALL;
    size_t chunk = 1 + data[1] % 17;
    data += 2;
    size -= 2;
    static rec a[4096], b[4096];
    size_t na = scan(a, 4096, data, size, 0, &opt);
    size_t nb = scan(b, 4096, data, size, chunk, &opt);
    if (na != nb)
        abort();
    if (memcmp(a, b, (na < 4096 ? na : 4096) * sizeof a[0]) != 0)
        abort();
    if (valid_utf8(data, size))
        partial(data, size);
    return 0;
}
