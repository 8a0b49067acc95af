/*
 * Document context for partial mentions: the people named in full so far
 * (with the title they were given), against which "le général Giang" or
 * "le ministre Beloussov" is resolved. A scanner finds title-led mentions
 * in running text and feeds full ones back into the context as it goes;
 * a quick scan pre-filters raw text so that only the stretches around a
 * possible partial mention are normalised and parsed (docs/NAMES.md).
 */
#include "names_int.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

typedef struct ctx_mention {
    uint32_t entry;   /* index into the set's entries */
    uint32_t text;    /* offset in the context arena: the name as written */
    uint32_t title;   /* offset: K2 title, "" when none */
    uint32_t family;  /* offset: K2 family token */
    uint32_t given;   /* offset: K2 given name (Vietnamese) */
    uint32_t mg;      /* offset: K2 last middle + given ("xuan chien") */
    uint32_t surname; /* offset: K3 surname (foreign) */
    int foreign;      /* given-first name */
    uint32_t raw;     /* offset: the mention as given, not parsed yet
                         (0 once parsed; see gla_nm_ctx_set_lazy()) */
    uint32_t raw_len; /* its bytes */
} ctx_mention;

struct gla_names_ctx {
    gla_names *nm;    /* the set */
    gla_buf arena;    /* strings of the mentions */
    ctx_mention *men; /* mentions, latest last */
    size_t n, cap;    /* used, allocated */
    nm_q q;           /* scratch parse */
    int detect_full;  /* scan resolves full names itself (the default) */
    int lazy;         /* mentions added by ref are parsed when needed */
    size_t n_raw;     /* mentions of the list not parsed yet */
    /* the pre-filter of gla_nm_ctx_scan_quick() */
    uint64_t *pf;        /* keys of name parts of the people (0: empty) */
    size_t pf_cap, pf_n; /* slots (a power of two or 0), filled */
    int pf_stale;        /* people were forgotten: rebuild before use */
    uint64_t *tw;        /* keys of title words, articles, civilities */
    size_t tw_cap, tw_n; /* slots, filled */
    struct ctx_fold *fold; /* K2 of single code points, built at first use */
    uint8_t *inlist;       /* per entry of the set: may be in men[] */
    size_t cap_inlist;     /* entries it covers */
    /* what the last mention of each entry recorded, to record it again
     * without parsing when the same entry comes written the same way */
    struct ctx_memo *memo; /* per entry of the set, or NULL */
    size_t cap_memo;       /* entries it covers */
    gla_buf marena;        /* its strings; offset 0 is "" */
};

/* The record of a mention, kept per entry (see gla_names_ctx_add()). */
typedef struct ctx_memo {
    uint32_t src;     /* offset in marena: the mention as given */
    uint32_t len;     /* its bytes */
    uint32_t off[6];  /* text, title, family, given, mg, surname; 0: none */
    uint8_t foreign;  /* as ctx_mention.foreign */
    uint8_t state;    /* MEMO_* */
} ctx_memo;

#define MEMO_NONE 0    /* nothing kept */
#define MEMO_SKIP 1    /* the mention is not recorded (one name token) */
#define MEMO_RECORD 2  /* recorded with the fields above */
/* The memo's strings are dropped, memos and all, past this size. */
#define MEMO_MAX_BYTES (8u << 20)

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
    free(ctx->pf);
    free(ctx->tw);
    free(ctx->fold);
    free(ctx->memo);
    free(ctx->inlist);
    gla_buf_dispose(&ctx->marena);
    gla_buf_dispose(&ctx->arena);
    free(ctx->men);
    gla_nm_q_dispose(&ctx->q);
    free(ctx);
}

size_t gla_nm_ctx_count(const gla_names_ctx *ctx)
{
    return ctx ? ctx->n : 0;
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
    ctx->n_raw = 0;
    ctx->arena.len = 1;
    if (ctx->inlist)
        memset(ctx->inlist, 0, ctx->cap_inlist);
    if (ctx->pf)
        memset(ctx->pf, 0, ctx->pf_cap * sizeof *ctx->pf);
    ctx->pf_n = 0;
    ctx->pf_stale = 0;
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
        if (rc == GLA_OK && m->raw) {
            const char *raw = c->arena.data + m->raw;
            m->raw = (uint32_t)fresh.len;
            rc = gla_buf_put(&fresh, raw, m->raw_len);
            if (rc == GLA_OK)
                rc = gla_buf_put(&fresh, "", 1);
        }
    }
    if (rc != GLA_OK) {
        gla_buf_dispose(&fresh);
        return rc;
    }
    for (size_t i = 0; i < drop; i++) {
        c->n_raw -= c->men[i].raw != 0;
        c->inlist[c->men[i].entry] = 0;
    }
    memmove(c->men, c->men + drop, (c->n - drop) * sizeof *c->men);
    c->n -= drop;
    gla_buf_dispose(&c->arena);
    c->arena = fresh;
    c->pf_stale = 1;
    return GLA_OK;
}

/* The index in the list of the mention of entry e (there is one at
 * most), or c->n. Searched from the latest: a person named again was
 * most often named lately. */
static size_t find_mention(const gla_names_ctx *c, uint32_t e)
{
    if (e >= c->cap_inlist || !c->inlist[e])
        return c->n;
    for (size_t i = c->n; i > 0; i--)
        if (c->men[i - 1].entry == e)
            return i - 1;
    return c->n;
}

/* Room at the end of the list for a mention of entry e: the latest
 * mention of a person wins (an older one is dropped), and a full list
 * forgets its older half. */
static int make_room(gla_names_ctx *c, uint32_t e)
{
    if (e >= c->cap_inlist) {
        size_t cap = c->cap_inlist ? c->cap_inlist : 256;
        while (cap <= e)
            cap *= 2;
        uint8_t *v = realloc(c->inlist, cap);
        if (!v)
            return GLA_ENOMEM;
        memset(v + c->cap_inlist, 0, cap - c->cap_inlist);
        c->inlist = v;
        c->cap_inlist = cap;
    }
    size_t i = find_mention(c, e);
    if (i < c->n) {
        c->inlist[e] = 0;
        c->n_raw -= c->men[i].raw != 0;
        memmove(&c->men[i], &c->men[i + 1], (c->n - i - 1) * sizeof *c->men);
        c->n--;
    }
    if (c->n >= CTX_MAX) {
        int rc = forget_oldest(c);
        if (rc != GLA_OK)
            return rc;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        ctx_mention *p = realloc(c->men, cap * sizeof *p);
        if (!p)
            return GLA_ENOMEM;
        c->men = p;
        c->cap = cap;
    }
    c->inlist[e] = 1; /* the caller appends it */
    return GLA_OK;
}

/* ---- the pre-filter: keys of the name parts a partial mention can end
 * with. A hit of gla_names_ctx_resolve() ends with a word whose K2 is the
 * given name of a Vietnamese person in the context, or whose K3 is the
 * surname of a foreign one. Keys are folded further so that raw text can
 * be probed without normalising it: y -> i for K2 (the i/y rule), and for
 * K3 a consonant skeleton that every K3 rewrite rule leaves unchanged
 * (see skeleton()). Equal keys imply equal folds, so the filter may let
 * through words that do not match, never drop one that does. */

#define PF_GIVEN 1u   /* tag: K2 given name, y -> i */
#define PF_SURNAME 2u /* tag: skeleton of a K3 surname */

/* FNV-1a over the (short) key, the tag mixed in; never 0. */
static uint64_t pf_hash(const char *s, size_t len, unsigned tag)
{
    uint64_t h = 0xcbf29ce484222325ull ^ tag;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    h ^= h >> 29;
    return h ? h : 1;
}

static int set_put(uint64_t **v, size_t *cap, size_t *n, uint64_t h)
{
    if ((*n + 1) * 2 > *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        uint64_t *nv = calloc(nc, sizeof *nv);
        if (!nv)
            return GLA_ENOMEM;
        for (size_t i = 0; i < *cap; i++) {
            if (!(*v)[i])
                continue;
            size_t j = (size_t)((*v)[i] & (nc - 1));
            while (nv[j])
                j = (j + 1) & (nc - 1);
            nv[j] = (*v)[i];
        }
        free(*v);
        *v = nv;
        *cap = nc;
    }
    size_t j = (size_t)(h & (*cap - 1));
    while ((*v)[j]) {
        if ((*v)[j] == h)
            return GLA_OK;
        j = (j + 1) & (*cap - 1);
    }
    (*v)[j] = h;
    (*n)++;
    return GLA_OK;
}

static int set_has(const uint64_t *v, size_t cap, uint64_t h)
{
    if (!cap)
        return 0;
    size_t j = (size_t)(h & (cap - 1));
    while (v[j]) {
        if (v[j] == h)
            return 1;
        j = (j + 1) & (cap - 1);
    }
    return 0;
}

/* y -> i over ASCII: the fold of K2 keys and raw words alike. */
static size_t yfold(char *out, size_t cap, const char *s, size_t len)
{
    if (len > cap)
        return SIZE_MAX;
    for (size_t i = 0; i < len; i++)
        out[i] = s[i] == 'y' ? 'i' : s[i];
    return len;
}

/*
 * A skeleton of a lower-case ASCII word that every K3 rule (see
 * src/normalize_k3.c) leaves unchanged: vowels, y, h, j and z dropped
 * (ou->u, ie->e, y->i, iy/ij->i, zh->j, ye->e, ine->in, gu->g), c, s and t
 * one letter (ch, sh, tch, shch, tsk->sk), f and v one letter (ff->v),
 * runs of one letter kept once (double consonants). So K3(a) == K3(b)
 * implies skeleton(a) == skeleton(b). Other bytes are kept as they are.
 */
static size_t skeleton(char *out, size_t cap, const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        switch (c) {
        case 'a': case 'e': case 'i': case 'o': case 'u': case 'y':
        case 'h': case 'j': case 'z':
            continue;
        case 's': case 't': c = 'c'; break;
        case 'v': c = 'f'; break;
        default: break;
        }
        if (n && out[n - 1] == c)
            continue;
        if (n == cap)
            return SIZE_MAX;
        out[n++] = c;
    }
    return n;
}

#define PF_WORD 64 /* longest folded word the filter looks at */

static int pf_add(gla_names_ctx *c, const ctx_mention *m)
{
    char buf[PF_WORD];
    const char *k = str(c, m->foreign ? m->surname : m->given);
    size_t kl = strlen(k);
    size_t n = m->foreign ? skeleton(buf, sizeof buf, k, kl)
                          : yfold(buf, sizeof buf, k, kl);
    if (n == SIZE_MAX)
        n = 0; /* too long to key: a word that long passes the filter */
    return set_put(&c->pf, &c->pf_cap, &c->pf_n,
                   pf_hash(buf, n, m->foreign ? PF_SURNAME : PF_GIVEN));
}

static int pf_add_raw(gla_names_ctx *c, const ctx_mention *m);

static int pf_rebuild(gla_names_ctx *c)
{
    if (c->pf)
        memset(c->pf, 0, c->pf_cap * sizeof *c->pf);
    c->pf_n = 0;
    int rc = GLA_OK;
    for (size_t i = 0; i < c->n && rc == GLA_OK; i++)
        rc = c->men[i].raw ? pf_add_raw(c, &c->men[i]) : pf_add(c, &c->men[i]);
    c->pf_stale = rc != GLA_OK;
    return rc;
}

static int fill(gla_names_ctx *c, ctx_mention *mp, const char *s);

static int record(gla_names_ctx *c, uint32_t e, const char *s)
{
    const nm_q *q = &c->q;
    const gla_name *n = &q->name;
    if (n->n_tokens < 2 || c->nm->entries[e].kind != GLA_KIND_PERSON)
        return GLA_OK; /* a partial mention itself, or not a person */
    int rc = make_room(c, e);
    if (rc != GLA_OK)
        return rc;
    ctx_mention m;
    memset(&m, 0, sizeof m);
    m.entry = e;
    rc = fill(c, &m, s);
    if (rc == GLA_OK) {
        c->men[c->n++] = m;
        rc = pf_add(c, &c->men[c->n - 1]);
    }
    return rc;
}

/* Fill the fields of m from the parse in c->q of the text s. */
static int fill(gla_names_ctx *c, ctx_mention *mp, const char *s)
{
    const nm_q *q = &c->q;
    const gla_name *n = &q->name;
    ctx_mention m = *mp;
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
        *mp = m;
    return rc;
}

/* The memo slot of entry e, the table grown as needed; NULL when out
 * of memory (the memo is only a shortcut). */
static ctx_memo *memo_slot(gla_names_ctx *c, uint32_t e)
{
    if (e >= c->cap_memo) {
        size_t cap = c->cap_memo ? c->cap_memo : 64;
        while (cap <= e)
            cap *= 2;
        ctx_memo *v = realloc(c->memo, cap * sizeof *v);
        if (!v)
            return NULL;
        memset(v + c->cap_memo, 0, (cap - c->cap_memo) * sizeof *v);
        c->memo = v;
        c->cap_memo = cap;
    }
    return &c->memo[e];
}

static int mput(gla_names_ctx *c, uint32_t *off, const char *s, size_t len)
{
    if (!c->marena.len && gla_buf_put(&c->marena, "", 1) != GLA_OK)
        return GLA_ENOMEM;
    *off = (uint32_t)c->marena.len;
    int rc = gla_buf_put(&c->marena, s, len);
    return rc == GLA_OK ? gla_buf_put(&c->marena, "", 1) : rc;
}

/* Keep what recording s[0, len) as entry e did: `m` its record, or NULL
 * when it was not recorded. Failing to keep it is no error. */
static void memo_keep(gla_names_ctx *c, uint32_t e, const char *s, size_t len,
                      const ctx_mention *m)
{
    int recorded = m != NULL;
    if (c->marena.len > MEMO_MAX_BYTES) {
        memset(c->memo, 0, c->cap_memo * sizeof *c->memo);
        gla_buf_clear(&c->marena);
    }
    ctx_memo *mm = memo_slot(c, e);
    if (!mm)
        return;
    ctx_memo x;
    memset(&x, 0, sizeof x);
    x.len = (uint32_t)len;
    int rc = len < MEMO_MAX_BYTES ? mput(c, &x.src, s, len) : GLA_ENOMEM;
    if (rc == GLA_OK && recorded) {
        const uint32_t offs[6] = {m->text,  m->title, m->family,
                                  m->given, m->mg,    m->surname};
        for (size_t k = 0; k < 6 && rc == GLA_OK; k++)
            if (offs[k])
                rc = mput(c, &x.off[k], str(c, offs[k]),
                          strlen(str(c, offs[k])));
        x.foreign = (uint8_t)m->foreign;
    }
    if (rc != GLA_OK) {
        mm->state = MEMO_NONE;
        return;
    }
    x.state = recorded ? MEMO_RECORD : MEMO_SKIP;
    *mm = x;
}

/* Record entry e again as its memo says. */
static int record_memo(gla_names_ctx *c, uint32_t e, const ctx_memo *mm)
{
    if (mm->state != MEMO_RECORD)
        return GLA_OK;
    int rc = make_room(c, e);
    if (rc != GLA_OK)
        return rc;
    ctx_mention m;
    memset(&m, 0, sizeof m);
    m.entry = e;
    m.foreign = mm->foreign;
    uint32_t *dst[6] = {&m.text,  &m.title, &m.family,
                        &m.given, &m.mg,    &m.surname};
    for (size_t k = 0; k < 6 && rc == GLA_OK; k++)
        if (mm->off[k]) {
            const char *t = c->marena.data + mm->off[k];
            rc = put(c, dst[k], t, strlen(t));
        }
    if (rc != GLA_OK)
        return rc;
    c->men[c->n++] = m;
    return pf_add(c, &c->men[c->n - 1]);
}

static int lazy_add(gla_names_ctx *c, uint32_t e, const char *s, size_t len);
static int materialize(gla_names_ctx *c);

void gla_nm_ctx_set_lazy(gla_names_ctx *ctx, int on)
{
    if (ctx)
        ctx->lazy = on != 0;
}

static int add_mention(gla_names_ctx *ctx, int by_ref, uint32_t e,
                       const char *s, size_t len);

int gla_names_ctx_add(gla_names_ctx *ctx, const char *ref, const char *s,
                      size_t len)
{
    if (!ctx || (!s && len))
        return GLA_EINVAL;
    return add_mention(ctx, ref != NULL,
                       ref ? entry_of_ref(ctx->nm, ref) : GLA_NM_NONE, s, len);
}

int gla_nm_ctx_add_entry(gla_names_ctx *ctx, uint32_t e, const char *s,
                         size_t len)
{
    if (!ctx || (!s && len) || e >= ctx->nm->n_entries)
        return GLA_EINVAL;
    return add_mention(ctx, 1, e, s, len);
}

/* gla_names_ctx_add() with the entry found (by_ref: e is the ref's entry,
 * GLA_NM_NONE for an unknown ref; else resolve s). */
static int add_mention(gla_names_ctx *ctx, int by_ref, uint32_t e,
                       const char *s, size_t len)
{
    gla_names *nm = ctx->nm;
    /* The same entry written the same way as last time: the parse
     * would be the same. */
    if (e != GLA_NM_NONE && e < ctx->cap_memo) {
        const ctx_memo *mm = &ctx->memo[e];
        if (mm->state != MEMO_NONE && mm->len == len &&
            (len == 0 || memcmp(ctx->marena.data + mm->src, s, len) == 0))
            return record_memo(ctx, e, mm);
    }
    /* A plain name of two words or more: recorded now, parsed when a
     * partial mention needs it (most never do). */
    if (e != GLA_NM_NONE && ctx->lazy &&
        nm->entries[e].kind == GLA_KIND_PERSON) {
        int lrc = lazy_add(ctx, e, s, len);
        if (lrc != GLA_ENOTFOUND)
            return lrc;
    }
    int rc = gla_nm_q_parse(&ctx->q, nm, s, len, 1);
    if (rc != GLA_OK)
        return rc == GLA_EINVAL ? GLA_ENOTFOUND : rc;
    if (by_ref) {
        if (e == GLA_NM_NONE)
            return GLA_ENOTFOUND;
        int will = ctx->q.name.n_tokens >= 2 &&
                   nm->entries[e].kind == GLA_KIND_PERSON;
        rc = record(ctx, e, s);
        if (rc == GLA_OK)
            memo_keep(ctx, e, s, len, will ? &ctx->men[ctx->n - 1] : NULL);
        return rc;
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
    int rc = ctx->n_raw ? materialize(ctx) : GLA_OK;
    if (rc != GLA_OK)
        return rc;
    rc = gla_nm_q_parse(&ctx->q, ctx->nm, s, len, 1);
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

/* Scan the window text[0, len) of a longer text that starts `base` bytes
 * before it; hits go to `h` with spans relative to the longer text. */
static int scan_window(gla_names_ctx *ctx, const char *text, size_t len,
                       size_t base, gla_name_hits *h, size_t *hcap)
{
    gla_names *nm = ctx->nm;
    gla_key k;
    int rc = gla_normalize(&k, nm->norm, GLA_K2, text ? text : "", len);
    if (rc != GLA_OK)
        return rc;
    size_t cap = k.len / 2 + 2;
    nm_tok *toks = malloc(cap * sizeof *toks);
    char *copy = malloc(k.len + 1);
    if (!toks || !copy) {
        free(toks);
        free(copy);
        return GLA_ENOMEM;
    }
    size_t n = gla_nm_tokens(toks, cap, &k, text, len);
    if (n == (size_t)-1)
        n = 0; /* cannot happen: a token takes two key bytes with its space */
    memcpy(copy, k.s, k.len + 1);
    for (size_t i = 0; i < n; i++)
        toks[i].s = copy + (toks[i].s - k.s);
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
                x.span.start = base + a;
                x.span.end = base + b;
                x.name.start = base + toks[j].src.start;
                x.name.end = base + b;
                /* Spans in the result are relative to the mention: move
                 * them into the scanned text. */
                m->query.name = x.name;
                m->query.title.start = base + a;
                m->query.title.end = base + toks[j - 1].dot_end;
                for (size_t t = 0; t < m->query.n_tokens; t++) {
                    m->query.tokens[t].start += base + a;
                    m->query.tokens[t].end += base + a;
                }
                x.m = m;
                if ((rc = hit_push(h, hcap, &x)) != GLA_OK) {
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
    return rc;
}

int gla_names_ctx_scan(gla_name_hits **out, gla_names_ctx *ctx,
                       const char *text, size_t len)
{
    if (!out || !ctx || (!text && len))
        return GLA_EINVAL;
    *out = NULL;
    if (!ctx->nm->built)
        return GLA_EINVAL;
    gla_name_hits *h = calloc(1, sizeof *h);
    if (!h)
        return GLA_ENOMEM;
    size_t hcap = 0;
    int rc = scan_window(ctx, text, len, 0, h, &hcap);
    if (rc != GLA_OK) {
        gla_name_hits_free(h);
        return rc;
    }
    *out = h;
    return GLA_OK;
}

/* ---- the quick scan --------------------------------------------------- */

/* K2 of one code point, for raw text probed without normalising it. */
typedef struct ctx_fold {
    char s[4];     /* its K2: lower-case ASCII letters, NUL-terminated */
    uint8_t flags; /* FOLD_* */
} ctx_fold;

#define FOLD_KNOWN 0x01u /* a letter or a combining mark with an ASCII K2 */
#define FOLD_UPPER 0x02u /* an upper-case (or title-case) letter */

/* Code points with an entry: Latin-1 and Latin Extended-A/B letters,
 * combining diacritics, Latin Extended Additional (Vietnamese). */
static size_t fold_index(int32_t cp)
{
    if (cp >= 0xc0 && cp < 0x250)
        return (size_t)(cp - 0xc0);
    if (cp >= 0x300 && cp < 0x370)
        return 0x190 + (size_t)(cp - 0x300);
    if (cp >= 0x1e00 && cp < 0x1f00)
        return 0x200 + (size_t)(cp - 0x1e00);
    return SIZE_MAX;
}
#define FOLD_SLOTS 0x300

/* Fill the table from the normaliser itself, so it is K2 by definition. */
static int fold_build(gla_names_ctx *c)
{
    if (c->fold)
        return GLA_OK;
    ctx_fold *f = calloc(FOLD_SLOTS, sizeof *f);
    if (!f)
        return GLA_ENOMEM;
    static const int32_t ranges[3][2] = {
        {0xc0, 0x250}, {0x300, 0x370}, {0x1e00, 0x1f00}};
    for (size_t r = 0; r < 3; r++) {
        for (int32_t cp = ranges[r][0]; cp < ranges[r][1]; cp++) {
            ctx_fold *e = &f[fold_index(cp)];
            utf8proc_category_t cat = utf8proc_category(cp);
            int upper =
                cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
            int letter = upper || cat == UTF8PROC_CATEGORY_LL ||
                         cat == UTF8PROC_CATEGORY_LO ||
                         cat == UTF8PROC_CATEGORY_LM;
            int mark =
                cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC;
            if (!letter && !mark)
                continue;
            /* A mark is keyed after a base letter: "a" + mark. */
            char src[8];
            size_t sl = 0;
            if (mark)
                src[sl++] = 'a';
            sl += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)src + sl);
            gla_key k;
            int rc = gla_normalize(&k, c->nm->norm, GLA_K2, src, sl);
            if (rc == GLA_ENOMEM) {
                free(f);
                return rc;
            }
            if (rc != GLA_OK)
                continue;
            const char *ks = k.s;
            size_t kl = k.len;
            if (mark) {
                if (kl == 0 || ks[0] != 'a')
                    continue;
                ks++;
                kl--;
            }
            if (kl > 3 || (letter && kl == 0))
                continue;
            int ascii = 1;
            for (size_t i = 0; i < kl; i++)
                if (ks[i] < 'a' || ks[i] > 'z')
                    ascii = 0;
            if (!ascii)
                continue;
            memcpy(e->s, ks, kl);
            e->s[kl] = '\0';
            e->flags = FOLD_KNOWN | (upper ? FOLD_UPPER : 0u);
        }
    }
    c->fold = f;
    return GLA_OK;
}

/* Title words, y -> i: every token of every title, and the articles and
 * civilities. A title chain ends with a title token or a civility, and
 * a run of lower-case words holding none of them is no part of a chain. */
#define TW_TITLE 0u   /* a title token or a civility: ends a chain */
#define TW_ARTICLE 3u /* an article: only leads a rank or civility */

static int tw_put(gla_names_ctx *c, const char *s, size_t len, unsigned tag)
{
    char buf[PF_WORD];
    size_t n = yfold(buf, sizeof buf, s, len);
    if (n == SIZE_MAX)
        return GLA_OK; /* longer than any word the filter folds */
    return set_put(&c->tw, &c->tw_cap, &c->tw_n, pf_hash(buf, n, tag));
}

static int tw_build(gla_names_ctx *c)
{
    if (c->tw)
        return GLA_OK;
    const gla_names *nm = c->nm;
    const char *const *w;
    size_t n = gla_nm_chain_words(&w, 0);
    int rc = GLA_OK;
    for (size_t i = 0; i < n && rc == GLA_OK; i++)
        rc = tw_put(c, w[i], strlen(w[i]), TW_TITLE);
    n = gla_nm_chain_words(&w, 1);
    for (size_t i = 0; i < n && rc == GLA_OK; i++)
        rc = tw_put(c, w[i], strlen(w[i]), TW_ARTICLE);
    for (size_t i = 0; i < nm->n_titles && rc == GLA_OK; i++) {
        const char *t = nm->arena.data + nm->titles[i].key;
        size_t len = nm->titles[i].len, a = 0;
        while (a < len && rc == GLA_OK) {
            size_t b = a;
            while (b < len && t[b] != ' ')
                b++;
            rc = tw_put(c, t + a, b - a, TW_TITLE);
            a = b + 1;
        }
    }
    return rc;
}

/* Can the word end a title chain (a title token or a civility)? */
static int is_title_word(const gla_names_ctx *c, const char *f, size_t n)
{
    return set_has(c->tw, c->tw_cap, pf_hash(f, n, TW_TITLE));
}

/* Can the word be part of a title chain (an article too)? */
static int is_chain_word(const gla_names_ctx *c, const char *f, size_t n)
{
    return is_title_word(c, f, n) ||
           set_has(c->tw, c->tw_cap, pf_hash(f, n, TW_ARTICLE));
}

/* Raw text, word by word. A word is a run of ASCII letters and digits
 * and of code points other than the separators below; K2 never joins
 * two words of this kind into one name token (K0 removes a few
 * invisible characters, which then make a word "unknown"). */
typedef struct rword {
    size_t start, end; /* its bytes */
    int upper;         /* starts with an upper-case letter */
    int digit;         /* holds an ASCII digit */
    int unknown;       /* holds a code point the fold table lacks */
    int lower_ascii;   /* only a-z and 0-9, no y (K2 is the word itself) */
    size_t n;          /* fold length; SIZE_MAX: longer than PF_WORD */
    char f[PF_WORD];   /* the fold: K2 of each code point, y -> i */
} rword;

static int is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

/* Non-ASCII separators: no-break space, guillemets, General Punctuation
 * (quotes, dashes, narrow no-break space, ellipsis). */
static int is_usep(int32_t cp)
{
    return cp == 0xa0 || cp == 0xab || cp == 0xbb ||
           (cp >= 0x2000 && cp < 0x2070 && cp != 0x200b && cp != 0x200c &&
            cp != 0x200d && cp != 0x2060);
}

/* Decode the code point at s[i] (len bytes in all); its length, or 0 for
 * a byte that does not start a valid sequence. */
static size_t decode(const char *s, size_t len, size_t i, int32_t *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                          (utf8proc_ssize_t)(len - i), &c);
    if (k <= 0)
        return 0;
    *cp = c;
    return (size_t)k;
}

/* Byte classes of the quick scan. */
#define BC_SEP 0   /* ASCII, no letter or digit */
#define BC_LOW 1   /* a-z, 0-9 */
#define BC_UP 2    /* A-Z */
#define BC_HIGH 3  /* >= 0x80 */

static const unsigned char byte_class[256] = {
#define R4(x) x, x, x, x
#define R16(x) R4(x), R4(x), R4(x), R4(x)
    R16(BC_SEP), R16(BC_SEP), R16(BC_SEP),
    /* 0x30 */ R4(BC_LOW), R4(BC_LOW), BC_LOW, BC_LOW, R4(BC_SEP), BC_SEP,
    BC_SEP,
    /* 0x40 */ BC_SEP, R4(BC_UP), R4(BC_UP), R4(BC_UP), BC_UP, BC_UP, BC_UP,
    /* 0x50 */ R4(BC_UP), R4(BC_UP), BC_UP, BC_UP, BC_UP, R4(BC_SEP), BC_SEP,
    /* 0x60 */ BC_SEP, R4(BC_LOW), R4(BC_LOW), R4(BC_LOW), BC_LOW, BC_LOW,
    BC_LOW,
    /* 0x70 */ R4(BC_LOW), R4(BC_LOW), BC_LOW, BC_LOW, BC_LOW, R4(BC_SEP),
    BC_SEP,
    R16(BC_HIGH), R16(BC_HIGH), R16(BC_HIGH), R16(BC_HIGH),
    R16(BC_HIGH), R16(BC_HIGH), R16(BC_HIGH), R16(BC_HIGH)
#undef R4
#undef R16
};

/* The fold entry of the code point at s[i] (a byte >= 0x80) and its
 * length via *k: NULL for a code point the table lacks; *k == 0 at a
 * byte that is not UTF-8. Two-byte Latin letters and marks are read
 * inline, the rest through decode(). */
static const ctx_fold *fold_at(const gla_names_ctx *c, const char *s,
                               size_t len, size_t i, size_t *k, int32_t *cpo)
{
    unsigned char b = (unsigned char)s[i];
    int32_t cp;
    if (b >= 0xc3 && b <= 0xcd && i + 1 < len &&
        ((unsigned char)s[i + 1] & 0xc0) == 0x80) {
        cp = ((int32_t)(b & 0x1f) << 6) | ((unsigned char)s[i + 1] & 0x3f);
        *k = 2;
    } else if ((*k = decode(s, len, i, &cp)) == 0) {
        return NULL;
    }
    *cpo = cp;
    size_t fi = fold_index(cp);
    if (fi == SIZE_MAX || !(c->fold[fi].flags & FOLD_KNOWN))
        return NULL;
    return &c->fold[fi];
}

/* The next word at or after *pos in s[0, len): 1, or 0 when there is
 * none, or -1 at a byte that is not UTF-8. */
static int next_word(const gla_names_ctx *c, const char *s, size_t len,
                     size_t *pos, rword *w)
{
    size_t i = *pos;
    /* Separators. */
    for (;;) {
        while (i < len && byte_class[(unsigned char)s[i]] == BC_SEP)
            i++;
        if (i >= len) {
            *pos = len;
            return 0;
        }
        if ((unsigned char)s[i] < 0x80)
            break;
        int32_t cp;
        size_t k = decode(s, len, i, &cp);
        if (k == 0)
            return -1;
        if (!is_usep(cp))
            break;
        i += k;
    }
    w->start = i;
    w->upper = w->digit = w->unknown = 0;
    w->lower_ascii = 1;
    size_t n = 0;
    int first = 1;
    while (i < len) {
        unsigned char b = (unsigned char)s[i];
        unsigned bc = byte_class[b];
        if (bc == BC_SEP)
            break;
        if (bc != BC_HIGH) {
            if (bc == BC_UP) {
                w->upper |= first;
                w->lower_ascii = 0;
                b = (unsigned char)(b - 'A' + 'a');
            } else if (b <= '9') {
                w->digit = 1;
            }
            if (b == 'y') {
                w->lower_ascii = 0;
                b = 'i';
            }
            if (n < PF_WORD)
                w->f[n] = (char)b;
            n++;
            i++;
            first = 0;
            continue;
        }
        size_t k;
        int32_t cp = 0;
        const ctx_fold *f = fold_at(c, s, len, i, &k, &cp);
        if (k == 0)
            return -1;
        if (!f && is_usep(cp))
            break;
        w->lower_ascii = 0;
        if (!f) {
            w->unknown = 1;
        } else {
            if (first && (f->flags & FOLD_UPPER))
                w->upper = 1;
            for (const char *p = f->s; *p; p++, n++)
                if (n < PF_WORD)
                    w->f[n] = *p == 'y' ? 'i' : *p;
        }
        i += k;
        first = 0;
    }
    w->n = n <= PF_WORD ? n : SIZE_MAX;
    w->end = i;
    *pos = i;
    return 1;
}

/* ASCII bytes around which K2 keeps a token boundary as it is. */
static int safe_sep(unsigned char b)
{
    return b == ' ' || b == '\n' || b == '\t' || b == '\r' || b == ',' ||
           b == '.' || b == ';' || b == ':' || b == '!' || b == '?' ||
           b == '(' || b == ')' || b == '"' || b == '\'' || b == '-' ||
           b == '/';
}

/*
 * A word after which the scan of gla_names_ctx_scan() is always back at
 * the next token: lower-case ASCII (so K2 is the word itself, and it is
 * no name word), between plain ASCII separators, and no article,
 * civility or title word (so no title chain goes through it).
 */
static int plain_word(const gla_names_ctx *c, const char *s, size_t len,
                      const rword *w)
{
    if (!w->lower_ascii || w->end - w->start > PF_WORD)
        return 0;
    if (w->start > 0 && !safe_sep((unsigned char)s[w->start - 1]))
        return 0;
    if (w->end < len && !safe_sep((unsigned char)s[w->end]))
        return 0;
    return !is_chain_word(c, s + w->start, w->end - w->start);
}

/* May the word end a partial mention of someone in the context? */
static int candidate(const gla_names_ctx *c, const rword *w)
{
    if (w->unknown || w->n == SIZE_MAX)
        return 1; /* cannot tell without normalising */
    if (!w->upper || w->digit)
        return 0; /* no name word */
    if (set_has(c->pf, c->pf_cap, pf_hash(w->f, w->n, PF_GIVEN)))
        return 1;
    char sk[PF_WORD];
    size_t n = skeleton(sk, sizeof sk, w->f, w->n);
    return set_has(c->pf, c->pf_cap, pf_hash(sk, n, PF_SURNAME));
}

/* The end of the last plain word in s[lo, hi), or lo. Words are found
 * backwards: a run of ASCII letters and digits and bytes >= 0x80. */
static size_t sync_before(const gla_names_ctx *c, const char *s, size_t len,
                          size_t lo, size_t hi)
{
    size_t p = hi;
    while (p > lo) {
        while (p > lo && (unsigned char)s[p - 1] < 0x80 &&
               !is_alnum((unsigned char)s[p - 1]))
            p--;
        size_t e = p;
        while (p > lo && ((unsigned char)s[p - 1] >= 0x80 ||
                          is_alnum((unsigned char)s[p - 1])))
            p--;
        if (e == p)
            break;
        if (p > lo || lo == 0) {
            rword w;
            size_t q = p;
            if (next_word(c, s, len, &q, &w) == 1 && w.start == p && w.end == e &&
                plain_word(c, s, len, &w))
                return e;
        }
    }
    return lo;
}

/* The word before s[ws] (separators skipped, non-ASCII ones too): 1 and
 * *w, or 0 when there is none. */
static int prev_word(const gla_names_ctx *c, const char *s, size_t len,
                     size_t ws, rword *w)
{
    size_t p = ws;
    int in_word = 0;
    size_t e = ws;
    while (p > 0) {
        unsigned char b = (unsigned char)s[p - 1];
        size_t q = p - 1;
        if (b >= 0x80) {
            /* Back to the lead byte of the code point. */
            while (q > 0 && p - q < 4 && ((unsigned char)s[q] & 0xc0) == 0x80)
                q--;
            int32_t cp;
            size_t k = decode(s, len, q, &cp);
            if (k == 0 || q + k != p) {
                if (!in_word)
                    return 0; /* not UTF-8: no word to speak of */
                break;
            }
            if (is_usep(cp)) {
                if (in_word)
                    break;
                p = q;
                continue;
            }
        } else if (!is_alnum(b)) {
            if (in_word)
                break;
            p = q;
            continue;
        }
        if (!in_word) {
            in_word = 1;
            e = p;
        }
        p = q;
    }
    if (!in_word)
        return 0;
    size_t at = p;
    return next_word(c, s, len, &at, w) == 1 && w->start == p && w->end == e;
}

/* prev_word() for the common case of an ASCII word after ASCII
 * separators, read in place; the general one otherwise. */
static int prev_word_quick(const gla_names_ctx *c, const char *s, size_t len,
                           size_t ws, rword *w)
{
    size_t p = ws;
    while (p > 0 && byte_class[(unsigned char)s[p - 1]] == BC_SEP)
        p--;
    size_t e = p;
    while (p > 0 && byte_class[(unsigned char)s[p - 1]] != BC_SEP &&
           byte_class[(unsigned char)s[p - 1]] != BC_HIGH)
        p--;
    if (e == p || e - p > PF_WORD || (p > 0 && (unsigned char)s[p - 1] >= 0x80) ||
        (e < ws && (unsigned char)s[e] >= 0x80))
        return prev_word(c, s, len, ws, w);
    w->start = p;
    w->end = e;
    w->upper = byte_class[(unsigned char)s[p]] == BC_UP;
    w->digit = w->unknown = 0;
    w->lower_ascii = 1;
    w->n = e - p;
    for (size_t i = p; i < e; i++) {
        unsigned char b = (unsigned char)s[i];
        if (byte_class[b] == BC_UP) {
            w->lower_ascii = 0;
            b = (unsigned char)(b - 'A' + 'a');
        } else if (b <= '9') {
            w->digit = 1;
        }
        if (b == 'y') {
            w->lower_ascii = 0;
            b = 'i';
        }
        w->f[i - p] = (char)b;
    }
    return 1;
}

/* Can the word `w` end the name of a title + name mention? The token
 * before the name is the last of a title chain: a title token or a
 * civility; the name is one or two name words. Words the fold cannot
 * read are let through. */
static int title_before(const gla_names_ctx *c, const char *s, size_t len,
                        const rword *w)
{
    if (w->unknown)
        return 1;
    rword p1, p2;
    if (!prev_word_quick(c, s, len, w->start, &p1))
        return 0;
    if (p1.unknown || p1.n == SIZE_MAX || is_title_word(c, p1.f, p1.n))
        return 1;
    if (!p1.upper || p1.digit || !prev_word_quick(c, s, len, p1.start, &p2))
        return 0;
    return p2.unknown || p2.n == SIZE_MAX || is_title_word(c, p2.f, p2.n);
}

/* The first byte of s[i, lim) that is an upper-case ASCII letter or not
 * ASCII, or lim: eight bytes at a time where the byte order allows. */
static size_t next_event(const char *s, size_t i, size_t lim)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (i + 8 <= lim) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        uint64_t y = x & 0x7f7f7f7f7f7f7f7full;
        /* Bit 7 of each byte: set for >= 0x80, or for 'A' <= y <= 'Z'. */
        uint64_t m = (x | ((y + 0x3f3f3f3f3f3f3f3full) &
                           ~(y + 0x2525252525252525ull))) &
                     0x8080808080808080ull;
        if (m)
            return i + (size_t)(__builtin_ctzll(m) >> 3);
        i += 8;
    }
#endif
    while (i < lim && byte_class[(unsigned char)s[i]] != BC_UP &&
           (unsigned char)s[i] < 0x80)
        i++;
    return i;
}

/* Does a word start at s[i]: the text starts there, or a separator (an
 * ASCII one, or one of is_usep()) comes before? */
static int word_start(const char *s, size_t len, size_t i)
{
    if (i == 0)
        return 1;
    unsigned char b = (unsigned char)s[i - 1];
    if (b < 0x80)
        return byte_class[b] == BC_SEP;
    size_t q = i - 1;
    while (q > 0 && i - q < 4 && ((unsigned char)s[q] & 0xc0) == 0x80)
        q--;
    int32_t cp;
    size_t k = decode(s, len, q, &cp);
    return k == 0 || q + k != i || is_usep(cp);
}

int gla_nm_ctx_scan_quick(gla_name_hits **out, gla_names_ctx *ctx,
                          const char *text, size_t len, const gla_span *skip,
                          size_t n_skip)
{
    if (!out || !ctx || (!text && len) || (!skip && n_skip))
        return GLA_EINVAL;
    *out = NULL;
    if (!ctx->nm->built || ctx->detect_full)
        return GLA_EINVAL;
    gla_name_hits *h = calloc(1, sizeof *h);
    if (!h)
        return GLA_ENOMEM;
    int rc = GLA_OK;
    if (ctx->n == 0 || len == 0) {
        *out = h;
        return GLA_OK;
    }
    if ((rc = fold_build(ctx)) != GLA_OK || (rc = tw_build(ctx)) != GLA_OK ||
        (ctx->pf_stale && (rc = pf_rebuild(ctx)) != GLA_OK)) {
        free(h);
        return rc;
    }
    size_t hcap = 0, pos = 0, done = 0, si = 0;
    /* Text that is not UTF-8 names nobody: GLA_EUTF8, as a scan of the
     * whole text would fail. */
    while (rc == GLA_OK && pos < len) {
        /* Text inside a mention of the matcher: a hit there would
         * overlap it and be dropped. */
        while (si < n_skip && skip[si].end <= pos)
            si++;
        if (si < n_skip && skip[si].start <= pos) {
            pos = skip[si].end;
            continue;
        }
        size_t lim = si < n_skip ? skip[si].start : len;
        if (lim > len)
            lim = len;
        /* Only a capital letter or a non-ASCII character can matter: no
         * name word starts lower-case or with a digit. */
        pos = next_event(text, pos, lim);
        if (pos >= lim) {
            pos = lim;
            if (lim == len)
                break;
            continue;
        }
        int start = word_start(text, len, pos);
        if ((unsigned char)text[pos] < 0x80) {
            if (!start) {
                pos++;
                continue;
            }
        } else {
            size_t k;
            int32_t cp = 0;
            const ctx_fold *f = fold_at(ctx, text, len, pos, &k, &cp);
            if (k == 0) {
                rc = GLA_EUTF8;
                break;
            }
            if (!f) {
                if (is_usep(cp)) {
                    pos += k;
                    continue;
                }
                /* A code point the fold lacks: the whole word is looked
                 * at (it may hide a token boundary). */
                while (!start) {
                    pos--;
                    while (pos > 0 && ((unsigned char)text[pos] & 0xc0) == 0x80)
                        pos--;
                    start = word_start(text, len, pos);
                }
            } else if (!start || !(f->flags & FOLD_UPPER)) {
                pos += k;
                continue;
            }
        }
        rword w;
        int more = next_word(ctx, text, len, &pos, &w);
        if (more <= 0) {
            rc = more < 0 ? GLA_EUTF8 : GLA_OK;
            break;
        }
        if (si < n_skip && skip[si].start <= w.start && w.end <= skip[si].end)
            continue;
        if (!candidate(ctx, &w) || !title_before(ctx, text, len, &w))
            continue;
        /* Scan from the last sync point before the word to the first one
         * after it, exactly as a scan of the whole text would. */
        size_t a = sync_before(ctx, text, len, done, w.start);
        size_t bend = len;
        rword x;
        size_t q = w.end;
        while ((more = next_word(ctx, text, len, &q, &x)) == 1)
            if (plain_word(ctx, text, len, &x)) {
                bend = x.end;
                break;
            }
        if (more < 0) {
            rc = GLA_EUTF8;
            break;
        }
        size_t first = h->n;
        rc = scan_window(ctx, text + a, bend - a, a, h, &hcap);
        /* Drop the hits that overlap a mention of the matcher. */
        size_t keep = first, sk = 0;
        for (size_t i = first; i < h->n; i++) {
            gla_span sp = h->hits[i].name;
            while (sk < n_skip && skip[sk].end <= sp.start)
                sk++;
            int clash = 0;
            for (size_t t = sk; t < n_skip && skip[t].start < sp.end && !clash;
                 t++)
                clash = sp.start < skip[t].end;
            if (clash)
                gla_name_matches_free(h->hits[i].m);
            else
                h->hits[keep++] = h->hits[i];
        }
        h->n = keep;
        done = pos = bend;
    }
    if (rc != GLA_OK) {
        gla_name_hits_free(h);
        return rc;
    }
    *out = h;
    return GLA_OK;
}

/* ---- mentions parsed when needed ---------------------------------------- */

/* Keys of every word of a mention not parsed yet: its given name or
 * surname is one of them, whatever the parse makes of the order. */
static int pf_add_raw(gla_names_ctx *c, const ctx_mention *m)
{
    const char *s = c->arena.data + m->raw;
    size_t len = m->raw_len, pos = 0;
    rword w;
    int rc = GLA_OK;
    while (rc == GLA_OK && next_word(c, s, len, &pos, &w) == 1) {
        char sk[PF_WORD];
        size_t n = w.n == SIZE_MAX ? 0 : w.n;
        rc = set_put(&c->pf, &c->pf_cap, &c->pf_n,
                     pf_hash(w.f, n, PF_GIVEN));
        n = skeleton(sk, sizeof sk, w.f, n);
        if (rc == GLA_OK)
            rc = set_put(&c->pf, &c->pf_cap, &c->pf_n,
                         pf_hash(sk, n == SIZE_MAX ? 0 : n, PF_SURNAME));
    }
    return rc;
}

/*
 * Record s[0, len) as a mention of entry e (a person) without parsing
 * it, when the parse is sure to find two name tokens or more and no
 * title: 2 to GLA_NAME_MAX_TOKENS words, each read by the fold table,
 * none an article, civility or title word. The list changes exactly as
 * record() would change it. GLA_ENOTFOUND: cannot tell, parse it.
 */
static int lazy_add(gla_names_ctx *c, uint32_t e, const char *s, size_t len)
{
    int rc;
    if ((rc = fold_build(c)) != GLA_OK || (rc = tw_build(c)) != GLA_OK)
        return rc;
    /* The entry's mention in the list, not parsed yet and written the
     * same way: it passed the checks below, and its keys are in the
     * filter (or the filter is rebuilt from the list before use). */
    size_t at = find_mention(c, e);
    if (at < c->n && c->men[at].raw && c->men[at].raw_len == len &&
        (len == 0 || memcmp(c->arena.data + c->men[at].raw, s, len) == 0)) {
        if ((rc = make_room(c, e)) != GLA_OK)
            return rc;
        ctx_mention m;
        memset(&m, 0, sizeof m);
        m.entry = e;
        m.raw_len = (uint32_t)len;
        if ((rc = put(c, &m.raw, s, len)) != GLA_OK)
            return rc;
        c->men[c->n++] = m;
        c->n_raw++;
        return GLA_OK;
    }
    size_t pos = 0, words = 0;
    rword w;
    int more;
    uint64_t keys[2 * GLA_NAME_MAX_TOKENS];
    while ((more = next_word(c, s, len, &pos, &w)) == 1) {
        if (w.unknown || w.n == SIZE_MAX || w.n == 0 || w.digit ||
            words == GLA_NAME_MAX_TOKENS || is_chain_word(c, w.f, w.n))
            return GLA_ENOTFOUND;
        char sk[PF_WORD];
        size_t n = skeleton(sk, sizeof sk, w.f, w.n);
        keys[2 * words] = pf_hash(w.f, w.n, PF_GIVEN);
        keys[2 * words + 1] = pf_hash(sk, n == SIZE_MAX ? 0 : n, PF_SURNAME);
        words++;
    }
    if (more < 0 || words < 2 || len >= UINT32_MAX / 2)
        return GLA_ENOTFOUND;

    if ((rc = make_room(c, e)) != GLA_OK)
        return rc;
    ctx_mention m;
    memset(&m, 0, sizeof m);
    m.entry = e;
    m.raw_len = (uint32_t)len;
    if ((rc = put(c, &m.raw, s, len)) != GLA_OK)
        return rc;
    c->men[c->n++] = m;
    c->n_raw++;
    /* The keys of all its words: the parse takes the given name (or
     * surname) from one of them, whatever order it settles on. */
    for (size_t i = 0; i < 2 * words && rc == GLA_OK; i++)
        rc = set_put(&c->pf, &c->pf_cap, &c->pf_n, keys[i]);
    if (rc != GLA_OK)
        c->pf_stale = 1; /* keys missing: rebuilt from the list */
    return rc;
}

/* Parse every mention of the list not parsed yet, in place. */
static int materialize(gla_names_ctx *c)
{
    gla_buf tmp = GLA_BUF_INIT;
    int rc = GLA_OK;
    for (size_t i = 0; i < c->n && rc == GLA_OK; i++) {
        ctx_mention *m = &c->men[i];
        if (!m->raw)
            continue;
        gla_buf_clear(&tmp);
        rc = gla_buf_put(&tmp, c->arena.data + m->raw, m->raw_len);
        if (rc != GLA_OK)
            break;
        const char *s = tmp.data ? tmp.data : "";
        size_t len = tmp.len;
        uint32_t e = m->entry;
        const ctx_memo *mm = e < c->cap_memo ? &c->memo[e] : NULL;
        ctx_mention x;
        memset(&x, 0, sizeof x);
        x.entry = e;
        if (mm && mm->state == MEMO_RECORD && mm->len == len &&
            (len == 0 || memcmp(c->marena.data + mm->src, s, len) == 0)) {
            x.foreign = mm->foreign;
            uint32_t *dst[6] = {&x.text,  &x.title, &x.family,
                                &x.given, &x.mg,    &x.surname};
            for (size_t k = 0; k < 6 && rc == GLA_OK; k++)
                if (mm->off[k]) {
                    const char *t = c->marena.data + mm->off[k];
                    rc = put(c, dst[k], t, strlen(t));
                }
        } else {
            rc = gla_nm_q_parse(&c->q, c->nm, s, len, 1);
            if (rc == GLA_OK && c->q.name.n_tokens < 2)
                rc = GLA_EINVAL; /* cannot happen: lazy_add() checked */
            if (rc == GLA_OK)
                rc = fill(c, &x, s);
            if (rc == GLA_OK)
                memo_keep(c, e, s, len, &x);
        }
        if (rc == GLA_ENOMEM)
            break;
        c->n_raw--;
        if (rc != GLA_OK) {
            /* Not a name after all: as if it had never been recorded. */
            memmove(m, m + 1, (c->n - i - 1) * sizeof *m);
            c->n--;
            i--;
            rc = GLA_OK;
            continue;
        }
        c->men[i] = x;
        rc = pf_add(c, &c->men[i]);
    }
    gla_buf_dispose(&tmp);
    return rc;
}
