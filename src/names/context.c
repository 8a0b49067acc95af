/*
 * Document context for partial mentions: the people named in full so far
 * (with the title they were given), against which "le général Giang" or
 * "le ministre Beloussov" is resolved. A scanner finds title-led mentions
 * in running text and feeds full ones back into the context as it goes.
 */
#include "names_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct ctx_mention {
    uint32_t entry;   /* index into the set's entries */
    uint32_t text;    /* offset in the context arena: the name as written */
    uint32_t title;   /* offset: K2 title, "" when none */
    uint32_t family;  /* offset: K2 family token */
    uint32_t given;   /* offset: K2 given name (Vietnamese) */
    uint32_t mg;      /* offset: K2 last middle + given ("xuan chien") */
    uint32_t surname; /* offset: K3 surname (foreign) */
    int foreign;      /* given-first name */
} ctx_mention;

struct gla_names_ctx {
    gla_names *nm;    /* the set */
    gla_buf arena;    /* strings of the mentions */
    ctx_mention *men; /* mentions, latest last */
    size_t n, cap;    /* used, allocated */
    nm_q q;           /* scratch parse */
    int detect_full;  /* scan resolves full names itself (the default) */
};

int gla_names_ctx_new(gla_names_ctx **out, gla_names *nm)
{
    if (!out || !nm)
        return GLA_EINVAL;
    gla_names_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return GLA_ENOMEM;
    c->nm = nm;
    c->detect_full = 1;
    if (gla_buf_put(&c->arena, "", 1) != GLA_OK) {
        free(c);
        return GLA_ENOMEM;
    }
    *out = c;
    return GLA_OK;
}

void gla_names_ctx_free(gla_names_ctx *ctx)
{
    if (!ctx)
        return;
    gla_buf_dispose(&ctx->arena);
    free(ctx->men);
    gla_nm_q_dispose(&ctx->q);
    free(ctx);
}

void gla_names_ctx_set_detect_full(gla_names_ctx *ctx, int on)
{
    if (ctx)
        ctx->detect_full = on != 0;
}

void gla_names_ctx_reset(gla_names_ctx *ctx)
{
    if (!ctx)
        return;
    ctx->n = 0;
    ctx->arena.len = 1;
}

static int put(gla_names_ctx *c, uint32_t *off, const char *s, size_t len)
{
    if (c->arena.len + len + 1 >= (size_t)UINT32_MAX)
        return GLA_ENOMEM;
    *off = (uint32_t)c->arena.len;
    int rc = gla_buf_put(&c->arena, s, len);
    return rc == GLA_OK ? gla_buf_put(&c->arena, "", 1) : rc;
}

/* Articles are not part of the title a person was given. */
static int is_article(const nm_tok *t)
{
    static const char *const arts[] = {"le", "la", "l", "les", "the"};
    for (size_t i = 0; i < sizeof arts / sizeof arts[0]; i++)
        if (t->len == strlen(arts[i]) && memcmp(t->s, arts[i], t->len) == 0)
            return 1;
    return 0;
}

static const char *str(const gla_names_ctx *c, uint32_t off)
{
    return c->arena.data + off;
}

static uint32_t entry_of_ref(const gla_names *nm, const char *ref)
{
    uint32_t e = gla_nm_map_get(&nm->ref_map, gla_nm_hash(ref, strlen(ref)));
    if (e != GLA_NM_NONE && strcmp(nm_str(nm, nm->entries[e].ref), ref) != 0)
        return GLA_NM_NONE;
    return e;
}

/* Record the parse in c->q (of text s) as a mention of entry e. */
/* A long document names many people; partial mentions refer back to recent
 * ones. The context keeps at most CTX_MAX people: when full, the older half
 * goes and the arena is rebuilt from the rest, so memory stays bounded
 * however long the document. */
#define CTX_MAX 256

static int keep_str(gla_buf *to, uint32_t *off, const gla_buf *from)
{
    const char *s = from->data + *off;
    *off = (uint32_t)to->len;
    return gla_buf_put(to, s, strlen(s) + 1);
}

static int forget_oldest(gla_names_ctx *c)
{
    size_t drop = c->n / 2;
    gla_buf fresh = GLA_BUF_INIT;
    int rc = gla_buf_put(&fresh, "", 1);
    for (size_t i = drop; i < c->n && rc == GLA_OK; i++) {
        ctx_mention *m = &c->men[i];
        uint32_t *offs[] = {&m->text,  &m->title, &m->family,
                            &m->given, &m->mg,    &m->surname};
        for (size_t k = 0; k < sizeof offs / sizeof offs[0] && rc == GLA_OK;
             k++)
            rc = keep_str(&fresh, offs[k], &c->arena);
    }
    if (rc != GLA_OK) {
        gla_buf_dispose(&fresh);
        return rc;
    }
    memmove(c->men, c->men + drop, (c->n - drop) * sizeof *c->men);
    c->n -= drop;
    gla_buf_dispose(&c->arena);
    c->arena = fresh;
    return GLA_OK;
}

static int record(gla_names_ctx *c, uint32_t e, const char *s)
{
    const nm_q *q = &c->q;
    const gla_name *n = &q->name;
    if (n->n_tokens < 2 || c->nm->entries[e].kind != GLA_KIND_PERSON)
        return GLA_OK; /* a partial mention itself, or not a person */
    /* The latest mention of a person wins: drop an older one. */
    for (size_t i = 0; i < c->n; i++) {
        if (c->men[i].entry == e) {
            memmove(&c->men[i], &c->men[i + 1],
                    (c->n - i - 1) * sizeof *c->men);
            c->n--;
            break;
        }
    }
    if (c->n >= CTX_MAX) {
        int frc = forget_oldest(c);
        if (frc != GLA_OK)
            return frc;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        ctx_mention *p = realloc(c->men, cap * sizeof *p);
        if (!p)
            return GLA_ENOMEM;
        c->men = p;
        c->cap = cap;
    }
    ctx_mention m;
    memset(&m, 0, sizeof m);
    m.entry = e;
    m.foreign = n->order == GLA_NAME_GIVEN_FIRST;
    int rc = put(c, &m.text, s + n->name.start, n->name.end - n->name.start);
    gla_buf tmp = GLA_BUF_INIT;
    if (rc == GLA_OK && (n->flags & GLA_NAME_TITLE)) {
        /* The title's K2 tokens, articles dropped. */
        for (size_t i = 0; i < q->first && rc == GLA_OK; i++) {
            const nm_tok *t = &q->toks[i];
            if (is_article(t))
                continue;
            if (tmp.len)
                rc = gla_buf_put(&tmp, " ", 1);
            if (rc == GLA_OK)
                rc = gla_buf_put(&tmp, t->s, t->len);
        }
        if (rc == GLA_OK)
            rc = put(c, &m.title, tmp.data ? tmp.data : "", tmp.len);
    }
    const nm_tok *last = nm_q_tok(q, n->n_tokens - 1);
    if (rc == GLA_OK && m.foreign) {
        gla_buf_clear(&tmp);
        rc =
            gla_normalize_to_buf(&tmp, c->nm->norm, GLA_K3, last->s, last->len);
        if (rc == GLA_OK)
            rc = put(c, &m.surname, tmp.data ? tmp.data : "", tmp.len);
    } else if (rc == GLA_OK) {
        const nm_tok *f = nm_q_tok(q, 0);
        rc = put(c, &m.family, f->s, f->len);
        if (rc == GLA_OK)
            rc = put(c, &m.given, last->s, last->len);
        if (rc == GLA_OK && n->n_tokens >= 3) {
            const nm_tok *mid = nm_q_tok(q, n->n_tokens - 2);
            gla_buf_clear(&tmp);
            rc = gla_buf_put(&tmp, mid->s, mid->len);
            if (rc == GLA_OK)
                rc = gla_buf_put(&tmp, " ", 1);
            if (rc == GLA_OK)
                rc = gla_buf_put(&tmp, last->s, last->len);
            if (rc == GLA_OK)
                rc = put(c, &m.mg, tmp.data, tmp.len);
        }
    }
    gla_buf_dispose(&tmp);
    if (rc == GLA_OK)
        c->men[c->n++] = m;
    return rc;
}

int gla_names_ctx_add(gla_names_ctx *ctx, const char *ref, const char *s,
                      size_t len)
{
    if (!ctx || (!s && len))
        return GLA_EINVAL;
    gla_names *nm = ctx->nm;
    int rc = gla_nm_q_parse(&ctx->q, nm, s, len, 1);
    if (rc != GLA_OK)
        return rc == GLA_EINVAL ? GLA_ENOTFOUND : rc;
    uint32_t e = GLA_NM_NONE;
    if (ref) {
        e = entry_of_ref(nm, ref);
    } else {
        if (!nm->built)
            return GLA_EINVAL;
        gla_name_matches *m = NULL;
        /* Resolving reuses the set's scratch, not ctx->q. */
        rc = gla_nm_resolve_q(&m, nm, &ctx->q, s, len, 2);
        if (rc != GLA_OK)
            return rc;
        if (m->status == GLA_NAME_RESOLVED &&
            !(m->cands[0].reasons & GLA_NAME_R_PARTIAL))
            e = entry_of_ref(nm, m->cands[0].ref);
        gla_name_matches_free(m);
    }
    if (e == GLA_NM_NONE)
        return GLA_ENOTFOUND;
    return record(ctx, e, s);
}

/* Resolve the parse in ctx->q against the mentions. */
static int resolve_parsed(gla_name_matches **out, gla_names_ctx *ctx, int bare)
{
    gla_names *nm = ctx->nm;
    const nm_q *q = &ctx->q;
    const gla_name *n = &q->name;
    gla_name_matches *m = gla_nm_matches_new(q);
    if (!m)
        return GLA_ENOMEM;
    gla_nm_result_begin(nm);
    *out = m;
    if ((!(n->flags & GLA_NAME_TITLE) && !bare) || n->n_tokens == 0 ||
        n->n_tokens > 2) {
        gla_nm_matches_finish(m, 0);
        return GLA_OK;
    }
    /* The mention's words, as a person would be called by them. */
    gla_buf words = GLA_BUF_INIT, k3 = GLA_BUF_INIT, title = GLA_BUF_INIT;
    int rc = GLA_OK;
    /* Tokens as written (not reordered: "Xuân Chiên" is middle + given). */
    for (size_t i = q->first; i < q->n_toks && rc == GLA_OK; i++) {
        if (words.len)
            rc = gla_buf_put(&words, " ", 1);
        if (rc == GLA_OK)
            rc = gla_buf_put(&words, q->toks[i].s, q->toks[i].len);
    }
    for (size_t i = 0; i < q->first && rc == GLA_OK; i++) {
        const nm_tok *t = &q->toks[i];
        if (is_article(t))
            continue;
        if (title.len)
            rc = gla_buf_put(&title, " ", 1);
        if (rc == GLA_OK)
            rc = gla_buf_put(&title, t->s, t->len);
    }
    if (rc == GLA_OK && n->n_tokens == 1)
        rc = gla_normalize_to_buf(&k3, nm->norm, GLA_K3, words.data, words.len);
    int family_hit = 0;
    for (size_t i = ctx->n; rc == GLA_OK && i-- > 0;) {
        const ctx_mention *men = &ctx->men[i];
        int hit = 0;
        if (men->foreign) {
            hit = n->n_tokens == 1 && k3.len &&
                  strcmp(str(ctx, men->surname), k3.data) == 0;
        } else if (n->n_tokens == 1) {
            hit = strcmp(str(ctx, men->given), words.data) == 0;
            if (!hit && strcmp(str(ctx, men->family), words.data) == 0)
                family_hit = 1;
        } else {
            hit = men->mg && strcmp(str(ctx, men->mg), words.data) == 0;
        }
        if (!hit)
            continue;
        gla_name_cand c;
        memset(&c, 0, sizeof c);
        gla_nm_cand_entry(&c, nm, men->entry);
        c.matched = c.vi ? c.vi : c.fr ? c.fr : c.en;
        c.partial_of = str(ctx, men->text);
        c.reasons = GLA_NAME_R_PARTIAL;
        c.score = 0.90;
        /* The same title as at the full mention settles between people
         * who share a given name. */
        if (title.len && men->title &&
            strcmp(str(ctx, men->title), title.data) == 0)
            c.score += 0.03;
        if (!(n->flags & GLA_NAME_TITLE))
            c.score -= 0.10;
        rc = gla_nm_matches_push(nm, m, &c, men->entry);
    }
    gla_buf_dispose(&words);
    gla_buf_dispose(&k3);
    gla_buf_dispose(&title);
    if (rc != GLA_OK) {
        gla_name_matches_free(m);
        *out = NULL;
        return rc;
    }
    if (m->n == 0 && (family_hit || (n->flags & GLA_NAME_FAMILY_ONLY)))
        m->status = GLA_NAME_FAMILY_ALONE;
    gla_nm_matches_finish(m, 0);
    return GLA_OK;
}

int gla_names_ctx_resolve(gla_name_matches **out, gla_names_ctx *ctx,
                          const char *s, size_t len, int bare)
{
    if (!out || !ctx || (!s && len))
        return GLA_EINVAL;
    *out = NULL;
    if (!ctx->nm->built)
        return GLA_EINVAL;
    int rc = gla_nm_q_parse(&ctx->q, ctx->nm, s, len, 1);
    if (rc == GLA_ENOTFOUND || rc == GLA_EINVAL) {
        gla_name_matches *m = gla_nm_matches_new(NULL);
        if (!m)
            return GLA_ENOMEM;
        m->query = ctx->q.name;
        m->key = calloc(1, 1);
        if (!m->key) {
            gla_name_matches_free(m);
            return GLA_ENOMEM;
        }
        *out = m;
        return GLA_OK;
    }
    if (rc != GLA_OK)
        return rc;
    return resolve_parsed(out, ctx, bare);
}

/* ---- scanning running text
 * --------------------------------------------------- */

void gla_name_hits_free(gla_name_hits *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++)
        gla_name_matches_free(h->hits[i].m);
    free(h->hits);
    free(h);
}

static int hit_push(gla_name_hits *h, size_t *cap, const gla_name_hit *x)
{
    if (h->n == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        gla_name_hit *p = realloc(h->hits, c * sizeof *p);
        if (!p)
            return GLA_ENOMEM;
        h->hits = p;
        *cap = c;
    }
    h->hits[h->n++] = *x;
    return GLA_OK;
}

/* A name word: capitalised letters, or an initial such as "Yu." */
static int name_word(const nm_tok *t)
{
    return (t->flags & NM_TOK_CAP) && (t->flags & NM_TOK_LETTERS);
}

/* Does the run of name words end after t (punctuation, not an initial)? */
static int ends_run(const nm_tok *t)
{
    if (t->flags & NM_TOK_COMMA)
        return 1;
    if ((t->flags & NM_TOK_DOT) && t->len > 3)
        return 1;
    return 0;
}

/* Try the text [a, b) as a full name; record it when it resolves well. */
static int try_full(gla_names_ctx *ctx, const char *text, size_t a, size_t b,
                    int *recorded)
{
    gla_names *nm = ctx->nm;
    *recorded = 0;
    gla_name_matches *m = NULL;
    int rc = gla_names_resolve(&m, nm, text + a, b - a, 2);
    if (rc != GLA_OK)
        return rc == GLA_EINVAL ? GLA_OK : rc;
    if (m->status == GLA_NAME_RESOLVED && m->cands[0].score >= 0.80 &&
        m->cands[0].kind == GLA_KIND_PERSON) {
        uint32_t e = entry_of_ref(nm, m->cands[0].ref);
        if (e != GLA_NM_NONE &&
            (rc = gla_nm_q_parse(&ctx->q, nm, text + a, b - a, 1)) == GLA_OK) {
            rc = record(ctx, e, text + a);
            *recorded = rc == GLA_OK;
        } else if (rc == GLA_ENOTFOUND || rc == GLA_EINVAL) {
            rc = GLA_OK;
        }
    }
    gla_name_matches_free(m);
    return rc;
}

int gla_names_ctx_scan(gla_name_hits **out, gla_names_ctx *ctx,
                       const char *text, size_t len)
{
    if (!out || !ctx || (!text && len))
        return GLA_EINVAL;
    *out = NULL;
    gla_names *nm = ctx->nm;
    if (!nm->built)
        return GLA_EINVAL;
    gla_key k;
    int rc = gla_normalize(&k, nm->norm, GLA_K2, text ? text : "", len);
    if (rc != GLA_OK)
        return rc;
    size_t cap = k.len / 2 + 2;
    nm_tok *toks = malloc(cap * sizeof *toks);
    char *copy = malloc(k.len + 1);
    gla_name_hits *h = calloc(1, sizeof *h);
    if (!toks || !copy || !h) {
        free(toks);
        free(copy);
        free(h);
        return GLA_ENOMEM;
    }
    size_t n = gla_nm_tokens(toks, cap, &k, text, len);
    if (n == (size_t)-1)
        n = 0; /* cannot happen: a token takes two key bytes with its space */
    memcpy(copy, k.s, k.len + 1);
    for (size_t i = 0; i < n; i++)
        toks[i].s = copy + (toks[i].s - k.s);
    size_t hcap = 0;
    size_t i = 0;
    while (i < n && rc == GLA_OK) {
        uint32_t ref;
        size_t c = gla_nm_title_chain(nm, toks + i, n - i, &ref);
        size_t j = i + c;
        if (c == 0 && !name_word(&toks[i])) {
            i++;
            continue;
        }
        size_t kk = j;
        while (kk < n && kk - j < GLA_NAME_MAX_TOKENS && name_word(&toks[kk])) {
            kk++;
            if (ends_run(&toks[kk - 1]))
                break;
        }
        size_t words = kk - j;
        if (words == 0) {
            i = j > i ? j : i + 1;
            continue;
        }
        size_t a = toks[i].src.start, b = toks[kk - 1].src.end;
        int recorded = 0;
        if (words >= 2 && ctx->detect_full &&
            (rc = try_full(ctx, text, a, b, &recorded)) != GLA_OK)
            break;
        if (!recorded && c > 0 && words <= 2) {
            gla_name_matches *m = NULL;
            rc = gla_names_ctx_resolve(&m, ctx, text + a, b - a, 0);
            if (rc != GLA_OK)
                break;
            if (m->status == GLA_NAME_RESOLVED ||
                m->status == GLA_NAME_AMBIGUOUS) {
                gla_name_hit x;
                x.span.start = a;
                x.span.end = b;
                x.name.start = toks[j].src.start;
                x.name.end = b;
                /* Spans in the result are relative to the mention: move
                 * them into the scanned text. */
                m->query.name = x.name;
                m->query.title.start = a;
                m->query.title.end = toks[j - 1].dot_end;
                for (size_t t = 0; t < m->query.n_tokens; t++) {
                    m->query.tokens[t].start += a;
                    m->query.tokens[t].end += a;
                }
                x.m = m;
                if ((rc = hit_push(h, &hcap, &x)) != GLA_OK) {
                    gla_name_matches_free(m);
                    break;
                }
            } else {
                gla_name_matches_free(m);
            }
        }
        i = kk;
    }
    free(toks);
    free(copy);
    if (rc != GLA_OK) {
        gla_name_hits_free(h);
        return rc;
    }
    *out = h;
    return GLA_OK;
}
