/*
 * check: a translation against the glossary, segment by segment. Both
 * sides go through a matcher of their own language, so target terms are
 * found with the same levels (inflection, diacritics, deprecated forms) as
 * source terms; findings compare the two lists of concepts.
 */
#include <glossalign/check.h>
#include <glossalign/normalize.h>
#include <glossalign/tokenize.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gla_severity_name(gla_severity s)
{
    switch (s) {
    case GLA_SEV_INFO: return "info";
    case GLA_SEV_WARNING: return "warning";
    case GLA_SEV_ERROR: return "error";
    }
    return "?";
}

int gla_severity_parse(gla_severity *out, const char *s)
{
    if (!out || !s)
        return GLA_EINVAL;
    for (int i = GLA_SEV_INFO; i <= GLA_SEV_ERROR; i++)
        if (strcmp(s, gla_severity_name((gla_severity)i)) == 0) {
            *out = (gla_severity)i;
            return GLA_OK;
        }
    return GLA_EINVAL;
}

const char *gla_finding_kind_name(gla_finding_kind k)
{
    switch (k) {
    case GLA_FIND_MISSING_TERM: return "missing-term";
    case GLA_FIND_FORBIDDEN_TERM: return "forbidden-term";
    case GLA_FIND_INCONSISTENT: return "inconsistent";
    case GLA_FIND_NAME_FORM: return "name-form";
    case GLA_FIND_NUMBER: return "number";
    }
    return "?";
}

/* A mention, copied out of the scanner. */
typedef struct ment {
    gla_span span;         /* bytes of the segment side */
    uint32_t entry;        /* concept in that side's matcher */
    uint32_t term;         /* term matched */
    gla_match_level level; /* how it matched */
    unsigned flags;        /* GLA_MENTION_* */
    double score;          /* match score */
    uint32_t alt[8];       /* other concepts on the same span */
    size_t n_alt;          /* how many */
} ment;

typedef struct ments {
    ment *v;    /* mentions */
    size_t n;   /* in use */
    size_t cap; /* allocated */
} ments;

/* What the document has used so far for one source concept. */
typedef struct used {
    uint32_t term1; /* target term index + 1 in tgt_m; 0: none yet */
    char *segment;  /* id of the segment where it was first seen */
} used;

struct gla_checker {
    const gla_matcher *sm;  /* source-language matcher */
    const gla_matcher *tm;  /* target-language matcher */
    gla_check_opts o;       /* options */
    char tgt_lang[32];      /* target language */
    gla_scanner *ss, *ts;   /* scanners */
    ments sv, tv;           /* mentions of the current segment */
    uint32_t *map;          /* source concept -> target concept + 1; 0:
                               unknown; UINT32_MAX: not looked up yet */
    used *used;             /* per source concept */
    size_t n_src;           /* source concepts */
    gla_tokenizer *tok;     /* for numbers */
    gla_tokens toks;        /* scratch */
    gla_normalizer *norm;   /* K1 keys */
    gla_buf k1, k2;         /* scratch keys */
    gla_buf msg, expected;  /* finding text */
    char err[256];          /* last failure */
};

int gla_checker_new(gla_checker **out, const gla_matcher *src_m,
                    const gla_matcher *tgt_m, const gla_check_opts *o)
{
    if (!out)
        return GLA_EINVAL;
    *out = NULL;
    if (!src_m || !tgt_m || (o && o->version != GLA_CHECK_OPTS_VERSION))
        return GLA_EINVAL;
    gla_checker *c = calloc(1, sizeof *c);
    if (!c)
        return GLA_ENOMEM;
    static const gla_check_opts def = GLA_CHECK_OPTS_INIT;
    c->o = o ? *o : def;
    const char *tl = c->o.tgt_lang ? c->o.tgt_lang
                                   : gla_matcher_source_lang(tgt_m);
    snprintf(c->tgt_lang, sizeof c->tgt_lang, "%s", tl ? tl : "vi");
    c->o.tgt_lang = c->tgt_lang;
    c->sm = src_m;
    c->tm = tgt_m;
    c->n_src = gla_matcher_entry_count(src_m);
    int rc = gla_scanner_new(&c->ss, src_m, NULL);
    if (rc == GLA_OK)
        rc = gla_scanner_new(&c->ts, tgt_m, NULL);
    if (rc == GLA_OK)
        rc = gla_tokenizer_new(&c->tok);
    if (rc == GLA_OK)
        rc = gla_normalizer_new(&c->norm);
    if (rc == GLA_OK) {
        c->map = malloc((c->n_src ? c->n_src : 1) * sizeof *c->map);
        c->used = calloc(c->n_src ? c->n_src : 1, sizeof *c->used);
        if (!c->map || !c->used)
            rc = GLA_ENOMEM;
        else
            for (size_t i = 0; i < c->n_src; i++)
                c->map[i] = UINT32_MAX;
    }
    if (rc != GLA_OK) {
        gla_checker_free(c);
        return rc;
    }
    *out = c;
    return GLA_OK;
}

void gla_checker_reset(gla_checker *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_src; i++) {
        free(c->used[i].segment);
        c->used[i].segment = NULL;
        c->used[i].term1 = 0;
    }
}

void gla_checker_free(gla_checker *c)
{
    if (!c)
        return;
    if (c->used)
        gla_checker_reset(c);
    free(c->used);
    free(c->map);
    gla_scanner_free(c->ss);
    gla_scanner_free(c->ts);
    free(c->sv.v);
    free(c->tv.v);
    gla_tokenizer_free(c->tok);
    gla_tokens_dispose(&c->toks);
    gla_normalizer_free(c->norm);
    gla_buf_dispose(&c->k1);
    gla_buf_dispose(&c->k2);
    gla_buf_dispose(&c->msg);
    gla_buf_dispose(&c->expected);
    free(c);
}

const char *gla_checker_errmsg(const gla_checker *c)
{
    return c ? c->err : "";
}

/* ---- scanning ---------------------------------------------------------- */

static int scan(ments *out, gla_scanner *s, const char *text, size_t len)
{
    out->n = 0;
    gla_scanner_reset(s);
    int rc = gla_scanner_feed(s, text, len, 1);
    if (rc != GLA_OK)
        return rc;
    gla_mention m;
    while ((rc = gla_scanner_next(&m, s)) == GLA_OK) {
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 16;
            ment *p = realloc(out->v, cap * sizeof *p);
            if (!p)
                return GLA_ENOMEM;
            out->v = p;
            out->cap = cap;
        }
        ment *d = &out->v[out->n++];
        d->span = m.span;
        d->entry = m.entry;
        d->term = m.term;
        d->level = m.level;
        d->flags = m.flags;
        d->score = m.score;
        d->n_alt = m.n_alt < 8 ? m.n_alt : 8;
        for (size_t i = 0; i < d->n_alt; i++)
            d->alt[i] = m.alt[i];
    }
    gla_scanner_reset(s);
    return rc == GLA_ITEROVER ? GLA_OK : rc;
}

/* The target concept of source concept `e`, or UINT32_MAX. */
static uint32_t to_target(gla_checker *c, uint32_t e)
{
    if (e >= c->n_src)
        return UINT32_MAX;
    if (c->map[e] == UINT32_MAX) {
        gla_match_entry me;
        uint32_t t;
        c->map[e] = 0;
        if (gla_matcher_entry(&me, c->sm, e) == GLA_OK &&
            gla_matcher_find_ref(&t, c->tm, me.ref) == GLA_OK)
            c->map[e] = t + 1;
    }
    return c->map[e] ? c->map[e] - 1 : UINT32_MAX;
}

static int lang_is(const char *lang, const char *want)
{
    size_t n = strlen(want);
    return lang && strncmp(lang, want, n) == 0 &&
           (lang[n] == '\0' || lang[n] == '-');
}

static int bad_status(gla_status s)
{
    return s == GLA_STATUS_DEPRECATED || s == GLA_STATUS_SUPERSEDED ||
           s == GLA_STATUS_FORBIDDEN;
}

static int is_name_kind(gla_kind k)
{
    return k == GLA_KIND_PERSON || k == GLA_KIND_PLACE;
}

/* 1 when `surface` equals, at K1, an approved target-language term of
 * target concept `te`; -1 on failure. */
static int surface_approved(gla_checker *c, uint32_t te, const char *surface,
                            size_t n)
{
    gla_buf_clear(&c->k1);
    int rc = gla_normalize_to_buf(&c->k1, c->norm, GLA_K1, surface, n);
    if (rc != GLA_OK)
        return rc == GLA_EUTF8 ? 0 : -1;
    gla_match_entry me;
    if (gla_matcher_entry(&me, c->tm, te) != GLA_OK)
        return 0;
    for (size_t i = 0; i < me.n_terms; i++) {
        gla_match_term t;
        if (gla_matcher_term(&t, c->tm, te, i) != GLA_OK ||
            !lang_is(t.lang, c->tgt_lang) || bad_status(t.status))
            continue;
        gla_buf_clear(&c->k2);
        if (gla_normalize_to_buf(&c->k2, c->norm, GLA_K1, t.text,
                                 strlen(t.text)) != GLA_OK)
            continue;
        if (c->k1.len == c->k2.len &&
            memcmp(c->k1.data ? c->k1.data : "", c->k2.data ? c->k2.data : "",
                   c->k1.len) == 0)
            return 1;
    }
    return 0;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* ---- findings ---------------------------------------------------------- */

static const gla_span no_span = {SIZE_MAX, SIZE_MAX};

static int report(gla_checker *c, gla_finding_fn fn, void *ctx,
                  const char *id, gla_severity sev, gla_finding_kind kind,
                  gla_span s, gla_span t, const char *ref, int with_expected)
{
    gla_finding f;
    f.segment = id;
    f.severity = sev;
    f.kind = kind;
    f.src = s;
    f.tgt = t;
    f.entry = ref;
    f.expected = with_expected && c->expected.len ? c->expected.data : NULL;
    f.message = c->msg.data ? c->msg.data : "";
    return fn(ctx, &f);
}

static int targets_of(gla_checker *c, uint32_t te)
{
    gla_buf_clear(&c->expected);
    return gla_matcher_targets(&c->expected, c->tm, te, c->tgt_lang);
}

/* Digits of a number token, group separators and ordinal suffix dropped:
 * "2 000" and "2.000" and "2000" agree, as "1,5" and "1.5" do. */
static size_t number_key(char *out, size_t cap, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++)
        if (s[i] >= '0' && s[i] <= '9')
            out[k++] = s[i];
    out[k] = '\0';
    return k;
}

typedef struct num {
    char key[40];  /* digits */
    gla_span span; /* where */
    int used;      /* matched on the other side */
} num;

typedef struct nums {
    num *v;     /* numbers */
    size_t n;   /* in use */
    size_t cap; /* allocated */
} nums;

static int collect_numbers(gla_checker *c, nums *out, const char *s,
                           size_t len, int *bad)
{
    out->n = 0;
    *bad = 0;
    int rc = gla_tokenize(&c->toks, c->tok, s, len);
    if (rc == GLA_EUTF8) {
        *bad = 1;
        return GLA_OK;
    }
    if (rc != GLA_OK)
        return rc;
    for (size_t i = 0; i < c->toks.n; i++) {
        const gla_token *t = &c->toks.v[i];
        if (!(t->flags & GLA_TOK_NUMBER) || (t->flags & GLA_TOK_PART))
            continue;
        size_t end = t->end;
        /* "2 000" with a plain space: the tokenizer makes two numbers */
        while (i + 1 < c->toks.n &&
               (c->toks.v[i + 1].flags & GLA_TOK_NUMBER) &&
               c->toks.v[i + 1].start == end + 1 && s[end] == ' ' &&
               c->toks.v[i + 1].end - c->toks.v[i + 1].start == 3 &&
               !(c->toks.v[i + 1].flags & GLA_TOK_ORDINAL)) {
            i++;
            end = c->toks.v[i].end;
        }
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 16;
            num *p = realloc(out->v, cap * sizeof *p);
            if (!p)
                return GLA_ENOMEM;
            out->v = p;
            out->cap = cap;
        }
        num *d = &out->v[out->n];
        if (number_key(d->key, sizeof d->key, s + t->start,
                       end - t->start) == 0)
            continue;
        d->span.start = t->start;
        d->span.end = end;
        d->used = 0;
        out->n++;
    }
    return GLA_OK;
}

static int check_numbers(gla_checker *c, const char *id, const char *src,
                         size_t slen, const char *tgt, size_t tlen,
                         gla_finding_fn fn, void *ctx)
{
    nums sn = {NULL, 0, 0}, tn = {NULL, 0, 0};
    int bad_s = 0, bad_t = 0;
    int rc = collect_numbers(c, &sn, src, slen, &bad_s);
    if (rc == GLA_OK)
        rc = collect_numbers(c, &tn, tgt, tlen, &bad_t);
    for (size_t i = 0; rc == GLA_OK && i < sn.n; i++) {
        size_t j = 0;
        while (j < tn.n && (tn.v[j].used || strcmp(tn.v[j].key, sn.v[i].key)))
            j++;
        if (j < tn.n) {
            tn.v[j].used = 1;
            continue;
        }
        gla_buf_clear(&c->msg);
        gla_buf_printf(&c->msg, "number %.*s of the source is missing from "
                                "the target",
                       (int)(sn.v[i].span.end - sn.v[i].span.start),
                       src + sn.v[i].span.start);
        gla_buf_clear(&c->expected);
        gla_buf_puts(&c->expected, sn.v[i].key);
        rc = report(c, fn, ctx, id, GLA_SEV_WARNING, GLA_FIND_NUMBER,
                    sn.v[i].span, no_span, NULL, 1);
    }
    free(sn.v);
    free(tn.v);
    return rc;
}

/* The approved target term of the concept used in target mention `m`:
 * its index + 1, or 0 when the mention is not an approved form. */
static uint32_t approved_term(gla_checker *c, const ment *m)
{
    gla_match_term t;
    if (gla_matcher_term(&t, c->tm, m->entry, m->term) != GLA_OK)
        return 0;
    if (!lang_is(t.lang, c->tgt_lang) || bad_status(t.status) ||
        (m->flags & GLA_MENTION_DEPRECATED))
        return 0;
    return m->term + 1;
}

static int check_target_mentions(gla_checker *c, const char *id,
                                 const char *tgt, gla_finding_fn fn,
                                 void *ctx, unsigned char *ok_form)
{
    for (size_t i = 0; i < c->tv.n; i++) {
        const ment *m = &c->tv.v[i];
        ok_form[i] = 0;
        gla_match_entry me;
        gla_match_term t;
        if (gla_matcher_entry(&me, c->tm, m->entry) != GLA_OK ||
            gla_matcher_term(&t, c->tm, m->entry, m->term) != GLA_OK)
            continue;
        const char *surf = tgt + m->span.start;
        size_t sn = m->span.end - m->span.start;
        int rc;
        if (lang_is(t.lang, c->tgt_lang) &&
            (bad_status(t.status) || (m->flags & GLA_MENTION_DEPRECATED))) {
            if ((rc = targets_of(c, m->entry)) != GLA_OK)
                return rc;
            gla_buf_clear(&c->msg);
            gla_buf_printf(&c->msg, "%s term \"%.*s\"",
                           gla_status_name(t.status), (int)sn, surf);
            if (c->expected.len)
                gla_buf_printf(&c->msg, "; use \"%s\"", c->expected.data);
            gla_severity sev = t.status == GLA_STATUS_FORBIDDEN
                                   ? GLA_SEV_ERROR
                                   : GLA_SEV_WARNING;
            rc = report(c, fn, ctx, id, sev, GLA_FIND_FORBIDDEN_TERM, no_span,
                        m->span, me.ref, 1);
            if (rc != GLA_OK)
                return rc;
            continue;
        }
        int same_lang = lang_is(t.lang, c->tgt_lang);
        int fine = same_lang && (m->level <= GLA_MATCH_CASE ||
                                 (m->level == GLA_MATCH_INFLECTION &&
                                  !is_name_kind(me.kind)));
        if (!fine) {
            int a = surface_approved(c, m->entry, surf, sn);
            if (a < 0)
                return GLA_ENOMEM;
            fine = a;
        }
        if (fine) {
            ok_form[i] = 1;
            continue;
        }
        if ((rc = targets_of(c, m->entry)) != GLA_OK)
            return rc;
        if (!c->expected.len) {
            ok_form[i] = 1; /* nothing to compare with */
            continue;
        }
        gla_buf_clear(&c->msg);
        gla_buf_printf(&c->msg, "\"%.*s\" is written \"%s\" in %s",
                       (int)sn, surf, c->expected.data, c->tgt_lang);
        gla_severity sev = me.kind == GLA_KIND_PERSON ? GLA_SEV_ERROR
                                                      : GLA_SEV_WARNING;
        rc = report(c, fn, ctx, id, sev, GLA_FIND_NAME_FORM, no_span,
                    m->span, me.ref, 1);
        if (rc != GLA_OK)
            return rc;
    }
    return GLA_OK;
}

/* Index of the first target mention of target concept `te`, or SIZE_MAX. */
static size_t find_in_target(const gla_checker *c, uint32_t te)
{
    for (size_t i = 0; i < c->tv.n; i++)
        if (c->tv.v[i].entry == te)
            return i;
    return SIZE_MAX;
}

static int check_source_mentions(gla_checker *c, const char *id,
                                 const char *tgt, gla_finding_fn fn,
                                 void *ctx, const unsigned char *ok_form)
{
    for (size_t i = 0; i < c->sv.n; i++) {
        const ment *m = &c->sv.v[i];
        uint32_t te = to_target(c, m->entry);
        if (te == UINT32_MAX)
            continue;
        size_t at = find_in_target(c, te);
        /* an ambiguous source span is satisfied by any of its concepts */
        for (size_t k = 0; at == SIZE_MAX && k < m->n_alt; k++) {
            uint32_t ta = to_target(c, m->alt[k]);
            if (ta != UINT32_MAX)
                at = find_in_target(c, ta);
        }
        gla_match_entry me;
        if (gla_matcher_entry(&me, c->tm, te) != GLA_OK)
            continue;
        int rc;
        if (at == SIZE_MAX) {
            if ((rc = targets_of(c, te)) != GLA_OK)
                return rc;
            if (!c->expected.len)
                continue; /* no equivalent in the target language */
            gla_buf_clear(&c->msg);
            gla_buf_printf(&c->msg, "no approved translation of this %s in "
                                    "the target; expected \"%s\"",
                           gla_kind_name(me.kind), c->expected.data);
            int weak = m->n_alt > 0 || m->level >= GLA_MATCH_TRANSLIT ||
                       m->score < 0.6;
            rc = report(c, fn, ctx, id, weak ? GLA_SEV_WARNING : GLA_SEV_ERROR,
                        GLA_FIND_MISSING_TERM, m->span, no_span, me.ref, 1);
            if (rc != GLA_OK)
                return rc;
            continue;
        }
        if (c->o.no_consistency || !ok_form[at] || c->tv.v[at].entry != te)
            continue;
        uint32_t t1 = approved_term(c, &c->tv.v[at]);
        if (!t1)
            continue;
        used *u = &c->used[m->entry];
        if (!u->term1) {
            u->term1 = t1;
            u->segment = dup_str(id ? id : "");
            if (!u->segment)
                return GLA_ENOMEM;
            continue;
        }
        if (u->term1 == t1)
            continue;
        gla_match_term a, b;
        if (gla_matcher_term(&a, c->tm, te, u->term1 - 1) != GLA_OK ||
            gla_matcher_term(&b, c->tm, te, t1 - 1) != GLA_OK)
            continue;
        gla_buf_clear(&c->expected);
        gla_buf_puts(&c->expected, a.text);
        gla_buf_clear(&c->msg);
        gla_buf_printf(&c->msg,
                       "translated \"%s\" here but \"%s\" in segment %s",
                       b.text, a.text, u->segment);
        rc = report(c, fn, ctx, id, GLA_SEV_WARNING, GLA_FIND_INCONSISTENT,
                    m->span, c->tv.v[at].span, me.ref, 1);
        if (rc != GLA_OK)
            return rc;
    }
    (void)tgt;
    return GLA_OK;
}

int gla_checker_segment(gla_checker *c, const char *id, const char *src,
                        size_t src_len, const char *tgt, size_t tgt_len,
                        gla_finding_fn fn, void *ctx)
{
    if (!c || !fn || (!src && src_len) || (!tgt && tgt_len))
        return GLA_EINVAL;
    if (!src)
        src = "";
    if (!tgt)
        tgt = "";
    c->err[0] = '\0';
    /* both sides must be UTF-8: the tokenizer says where they are not */
    int rc = gla_tokenize(&c->toks, c->tok, src, src_len);
    if (rc == GLA_OK)
        rc = gla_tokenize(&c->toks, c->tok, tgt, tgt_len);
    if (rc == GLA_EUTF8) {
        int which_src = gla_tokenize(&c->toks, c->tok, src, src_len) ==
                        GLA_EUTF8;
        snprintf(c->err, sizeof c->err, "segment %s: %s: %s",
                 id ? id : "?", which_src ? "source" : "target",
                 gla_tokenizer_errmsg(c->tok));
        return GLA_EUTF8;
    }
    if (rc != GLA_OK)
        return rc;
    if ((rc = scan(&c->sv, c->ss, src, src_len)) != GLA_OK ||
        (rc = scan(&c->tv, c->ts, tgt, tgt_len)) != GLA_OK)
        return rc;
    unsigned char *ok_form = malloc(c->tv.n ? c->tv.n : 1);
    if (!ok_form)
        return GLA_ENOMEM;
    rc = check_target_mentions(c, id, tgt, fn, ctx, ok_form);
    if (rc == GLA_OK)
        rc = check_source_mentions(c, id, tgt, fn, ctx, ok_form);
    free(ok_form);
    if (rc == GLA_OK && !c->o.no_numbers)
        rc = check_numbers(c, id, src, src_len, tgt, tgt_len, fn, ctx);
    return rc;
}
