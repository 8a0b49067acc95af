/*
 * A cache file for a built name set, so that a large glossary is indexed
 * once per version rather than once per process. The image is the set's
 * arrays written one after the other behind a fixed header; reading it
 * checks every index and offset before use, since a damaged or foreign
 * file must never crash a reader. Versions and paths come from the match
 * module's cache conventions (gla_matcher_db_stamp, gla_matcher_cache_path).
 */
#define _POSIX_C_SOURCE 200809L

#include "names_int.h"

#include <glossalign/match.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "GLANAMES"
#define FORMAT 1
#define ENDIAN 0x01020304u

typedef struct header {
    char magic[8];         /* MAGIC */
    uint32_t format;       /* FORMAT */
    uint32_t endian;       /* ENDIAN as written by this machine */
    uint64_t stamp;        /* glossary version */
    uint32_t kinds;        /* opts.kinds */
    int32_t max_distance;  /* opts.max_distance */
    uint64_t arena;        /* bytes */
    uint64_t n_entries, n_terms, n_keys, n_surs, n_titles;
    uint64_t title_max_tokens;
    uint64_t map_cap[5];   /* key, k3, sur, ref, title maps */
    uint64_t map_n[5];
    uint64_t fz_buckets[2]; /* keys, surnames */
    uint64_t fz_used[2];
    int32_t fz_shift[2];
    int32_t fz_maxd[2];
} header;

static nm_map *map_at(gla_names *nm, int i)
{
    nm_map *maps[5] = {&nm->key_map, &nm->k3_map, &nm->sur_map, &nm->ref_map,
                       &nm->title_map};
    return maps[i];
}

static gla_fz *fz_at(gla_names *nm, int i)
{
    return i ? &nm->fz_sur : &nm->fz;
}

/* ---- writing ------------------------------------------------------------ */

static int put(FILE *f, const void *p, size_t size, size_t n)
{
    return n == 0 || fwrite(p, size, n, f) == n ? 0 : -1;
}

static void make_parent(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        mkdir(p, 0755); /* failures show up at the write */
        *s = '/';
    }
    free(p);
}

int gla_names_save(gla_names *nm, const char *path, uint64_t stamp)
{
    if (!nm || !path || !nm->built)
        return GLA_EINVAL;
    header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, MAGIC, 8);
    h.format = FORMAT;
    h.endian = ENDIAN;
    h.stamp = stamp;
    h.kinds = nm->opts.kinds;
    h.max_distance = nm->opts.max_distance;
    h.arena = nm->arena.len;
    h.n_entries = nm->n_entries;
    h.n_terms = nm->n_terms;
    h.n_keys = nm->n_keys;
    h.n_surs = nm->n_surs;
    h.n_titles = nm->n_titles;
    h.title_max_tokens = nm->title_max_tokens;
    for (int i = 0; i < 5; i++) {
        h.map_cap[i] = map_at(nm, i)->cap;
        h.map_n[i] = map_at(nm, i)->n;
    }
    for (int i = 0; i < 2; i++) {
        const gla_fz *fz = fz_at(nm, i);
        h.fz_buckets[i] = fz->n_buckets;
        h.fz_used[i] = fz->used;
        h.fz_shift[i] = fz->shift;
        h.fz_maxd[i] = fz->maxd;
    }
    gla_buf tmp = GLA_BUF_INIT;
    if (gla_buf_printf(&tmp, "%s.%ld.tmp", path, (long)getpid()) != GLA_OK)
        return GLA_ENOMEM;
    make_parent(path);
    FILE *f = fopen(tmp.data, "wb");
    if (!f) {
        gla_nm_seterr(nm, "cannot write '%s': %s", tmp.data, strerror(errno));
        gla_buf_dispose(&tmp);
        return GLA_EIO;
    }
    int bad = put(f, &h, sizeof h, 1);
    bad |= put(f, nm->arena.data, 1, nm->arena.len);
    bad |= put(f, nm->entries, sizeof *nm->entries, nm->n_entries);
    bad |= put(f, nm->terms, sizeof *nm->terms, nm->n_terms);
    bad |= put(f, nm->keys, sizeof *nm->keys, nm->n_keys);
    bad |= put(f, nm->surs, sizeof *nm->surs, nm->n_surs);
    bad |= put(f, nm->titles, sizeof *nm->titles, nm->n_titles);
    for (int i = 0; i < 5; i++) {
        const nm_map *m = map_at(nm, i);
        bad |= put(f, m->hash, sizeof *m->hash, m->cap);
        bad |= put(f, m->val, sizeof *m->val, m->cap);
    }
    for (int i = 0; i < 2; i++) {
        const gla_fz *fz = fz_at(nm, i);
        if (fz->off)
            bad |= put(f, fz->off, sizeof *fz->off, fz->n_buckets + 1);
        bad |= put(f, fz->post, sizeof *fz->post, fz->used);
        bad |= put(f, fz->fp, sizeof *fz->fp, fz->used);
    }
    bad |= fflush(f) != 0 || ferror(f);
    bad |= fclose(f) != 0;
    if (!bad && rename(tmp.data, path) != 0)
        bad = 1;
    if (bad) {
        gla_nm_seterr(nm, "cannot write '%s': %s", path, strerror(errno));
        remove(tmp.data);
    }
    gla_buf_dispose(&tmp);
    return bad ? GLA_EIO : GLA_OK;
}

/* ---- reading -------------------------------------------------------------- */

typedef struct reader {
    FILE *f;     /* the file */
    size_t left; /* bytes not read yet */
    int bad;     /* short or failed read */
} reader;

/* Read n items of `size` into a new array (NULL for none). */
static void *take(reader *r, size_t size, uint64_t n)
{
    if (r->bad || n == 0)
        return NULL;
    if (n > r->left / size) {
        r->bad = 1;
        return NULL;
    }
    void *p = malloc((size_t)n * size);
    if (!p || fread(p, size, (size_t)n, r->f) != (size_t)n) {
        free(p);
        r->bad = 1;
        return NULL;
    }
    r->left -= (size_t)n * size;
    return p;
}

static int off_ok(const gla_names *nm, uint32_t off, int none_ok)
{
    if (off == GLA_NM_NONE)
        return none_ok;
    return off < nm->arena.len;
}

static int span_ok(const gla_names *nm, uint32_t off, uint32_t len)
{
    return (uint64_t)off + len < nm->arena.len;
}

static int link_ok(uint32_t next, uint32_t self)
{
    return next == GLA_NM_NONE || next < self; /* chains only go down */
}

static int is_pow2(uint64_t x)
{
    return x && (x & (x - 1)) == 0;
}

/* Every index and offset of a freshly read set, checked. */
static int check(const gla_names *nm)
{
    if (nm->arena.len == 0 || nm->arena.data[nm->arena.len - 1] != '\0')
        return 0;
    for (size_t i = 0; i < nm->n_entries; i++) {
        const nm_entry *e = &nm->entries[i];
        if (!off_ok(nm, e->ref, 0) || !off_ok(nm, e->vi, 1) ||
            !off_ok(nm, e->fr, 1) || !off_ok(nm, e->en, 1) || e->kind > 7)
            return 0;
    }
    for (uint32_t i = 0; i < nm->n_terms; i++) {
        const nm_term *t = &nm->terms[i];
        if (t->entry >= nm->n_entries || !off_ok(nm, t->text, 0) ||
            !off_ok(nm, t->k3, 0) || t->key >= nm->n_keys ||
            !link_ok(t->next, i) || !link_ok(t->k3_next, i) ||
            !link_ok(t->sur_next, i) ||
            (t->surname != GLA_NM_NONE && t->surname >= nm->n_surs))
            return 0;
    }
    for (size_t i = 0; i < nm->n_keys; i++)
        if (!span_ok(nm, nm->keys[i].off, nm->keys[i].len) ||
            (nm->keys[i].term != GLA_NM_NONE &&
             nm->keys[i].term >= nm->n_terms))
            return 0;
    for (size_t i = 0; i < nm->n_surs; i++)
        if (!span_ok(nm, nm->surs[i].off, nm->surs[i].len) ||
            (nm->surs[i].term != GLA_NM_NONE &&
             nm->surs[i].term >= nm->n_terms))
            return 0;
    for (size_t i = 0; i < nm->n_titles; i++)
        if (!span_ok(nm, nm->titles[i].key, nm->titles[i].len) ||
            !off_ok(nm, nm->titles[i].ref, 1))
            return 0;
    const size_t limits[5] = {nm->n_keys, nm->n_terms, nm->n_surs,
                              nm->n_entries, nm->n_titles};
    for (int i = 0; i < 5; i++) {
        const nm_map *m = map_at((gla_names *)nm, i);
        if (m->cap == 0)
            continue;
        /* Probes end at an empty slot: there must be one. */
        if (!is_pow2(m->cap) || m->n >= m->cap)
            return 0;
        size_t filled = 0;
        for (size_t k = 0; k < m->cap; k++) {
            if (!m->hash[k])
                continue;
            filled++;
            if (m->val[k] >= limits[i])
                return 0;
        }
        if (filled != m->n)
            return 0;
    }
    const size_t ids[2] = {nm->n_keys, nm->n_surs};
    for (int i = 0; i < 2; i++) {
        const gla_fz *fz = fz_at((gla_names *)nm, i);
        if (!fz->off) {
            if (fz->used)
                return 0;
            continue;
        }
        if (!is_pow2(fz->n_buckets) || fz->maxd < 0 || fz->maxd > 2 ||
            fz->shift != 64 - __builtin_ctzll((unsigned long long)fz->n_buckets) ||
            fz->off[0] != 0 || fz->off[fz->n_buckets] != fz->used)
            return 0;
        for (size_t b = 0; b < fz->n_buckets; b++)
            if (fz->off[b] > fz->off[b + 1])
                return 0;
        for (size_t k = 0; k < fz->used; k++)
            if ((fz->post[k] & 0x3fffffffu) >= ids[i])
                return 0;
    }
    return 1;
}

int gla_names_load_file(gla_names **out, const char *path, uint64_t stamp,
                        const gla_names_opts *opts)
{
    if (!out || !path)
        return GLA_EINVAL;
    *out = NULL;
    gla_names *nm = NULL;
    int rc = gla_names_new(&nm, opts);
    if (rc != GLA_OK)
        return rc;
    FILE *f = fopen(path, "rb");
    if (!f) {
        gla_names_free(nm);
        return errno == ENOENT ? GLA_ENOTFOUND : GLA_EIO;
    }
    struct stat st;
    header h;
    reader r = {f, 0, 0};
    if (fstat(fileno(f), &st) != 0 || (uint64_t)st.st_size < sizeof h ||
        fread(&h, sizeof h, 1, f) != 1) {
        rc = GLA_EPARSE;
        goto fail;
    }
    r.left = (size_t)st.st_size - sizeof h;
    if (memcmp(h.magic, MAGIC, 8) != 0 || h.format != FORMAT ||
        h.endian != ENDIAN) {
        rc = GLA_EPARSE;
        goto fail;
    }
    if ((stamp && h.stamp != stamp) || h.kinds != nm->opts.kinds ||
        h.max_distance != nm->opts.max_distance) {
        rc = GLA_EEXISTS; /* a valid image of something else: stale */
        goto fail;
    }
    if (h.arena >= UINT32_MAX || h.n_entries >= UINT32_MAX ||
        h.n_terms >= UINT32_MAX || h.n_keys >= UINT32_MAX ||
        h.n_surs >= UINT32_MAX || h.n_titles >= UINT32_MAX ||
        h.title_max_tokens > 64) {
        rc = GLA_EPARSE;
        goto fail;
    }
    gla_buf_dispose(&nm->arena);
    nm->arena.data = take(&r, 1, h.arena);
    nm->arena.len = nm->arena.cap = (size_t)h.arena;
    nm->entries = take(&r, sizeof *nm->entries, h.n_entries);
    nm->n_entries = nm->cap_entries = (size_t)h.n_entries;
    nm->terms = take(&r, sizeof *nm->terms, h.n_terms);
    nm->n_terms = nm->cap_terms = (size_t)h.n_terms;
    nm->keys = take(&r, sizeof *nm->keys, h.n_keys);
    nm->n_keys = nm->cap_keys = (size_t)h.n_keys;
    nm->surs = take(&r, sizeof *nm->surs, h.n_surs);
    nm->n_surs = nm->cap_surs = (size_t)h.n_surs;
    nm->titles = take(&r, sizeof *nm->titles, h.n_titles);
    nm->n_titles = nm->cap_titles = (size_t)h.n_titles;
    nm->title_max_tokens = (size_t)h.title_max_tokens;
    for (int i = 0; i < 5 && !r.bad; i++) {
        nm_map *m = map_at(nm, i);
        if (h.map_cap[i] >= ((uint64_t)1 << 40)) {
            r.bad = 1;
            break;
        }
        m->hash = take(&r, sizeof *m->hash, h.map_cap[i]);
        m->val = take(&r, sizeof *m->val, h.map_cap[i]);
        m->cap = (size_t)h.map_cap[i];
        m->n = (size_t)h.map_n[i];
    }
    for (int i = 0; i < 2 && !r.bad; i++) {
        gla_fz *fz = fz_at(nm, i);
        if (h.fz_buckets[i] >= ((uint64_t)1 << 32) ||
            h.fz_used[i] >= UINT32_MAX) {
            r.bad = 1;
            break;
        }
        fz->n_buckets = (size_t)h.fz_buckets[i];
        fz->used = (size_t)h.fz_used[i];
        fz->shift = h.fz_shift[i];
        fz->maxd = h.fz_maxd[i];
        if (fz->n_buckets)
            fz->off = take(&r, sizeof *fz->off, h.fz_buckets[i] + 1);
        fz->post = take(&r, sizeof *fz->post, h.fz_used[i]);
        fz->fp = take(&r, sizeof *fz->fp, h.fz_used[i]);
        if (fz->used && (!fz->post || !fz->fp || !fz->off))
            r.bad = 1;
    }
    /* Arrays that are absent must be empty; the file must end here. */
    if (r.bad || r.left != 0 || (h.arena && !nm->arena.data) ||
        (h.n_entries && !nm->entries) || (h.n_terms && !nm->terms) ||
        (h.n_keys && !nm->keys) || (h.n_surs && !nm->surs) ||
        (h.n_titles && !nm->titles) || !check(nm)) {
        rc = GLA_EPARSE;
        goto fail;
    }
    for (int i = 0; i < 5; i++)
        if (map_at(nm, i)->cap && (!map_at(nm, i)->hash || !map_at(nm, i)->val)) {
            rc = GLA_EPARSE;
            goto fail;
        }
    fclose(f);
    nm->seen = calloc(nm->n_keys + 1, sizeof *nm->seen);
    nm->seen_sur = calloc(nm->n_surs + 1, sizeof *nm->seen_sur);
    nm->ent_stamp = calloc(nm->n_entries + 1, sizeof *nm->ent_stamp);
    nm->ent_slot = calloc(nm->n_entries + 1, sizeof *nm->ent_slot);
    if (!nm->seen || !nm->seen_sur || !nm->ent_stamp || !nm->ent_slot) {
        gla_names_free(nm);
        return GLA_ENOMEM;
    }
    nm->built = 1;
    *out = nm;
    return GLA_OK;
fail:
    fclose(f);
    gla_names_free(nm);
    return rc;
}

int gla_names_open(gla_names **out, gla_db *db, const char *db_path,
                   const gla_names_opts *opts, gla_buf *errbuf)
{
    if (!out || !db)
        return GLA_EINVAL;
    *out = NULL;
    uint64_t stamp = 0;
    gla_buf path = GLA_BUF_INIT;
    int cached = 0;
    if (db_path && strcmp(db_path, ":memory:") != 0 &&
        gla_matcher_db_stamp(&stamp, db) == GLA_OK &&
        gla_matcher_cache_path(&path, db_path) == GLA_OK && path.len > 6 &&
        strcmp(path.data + path.len - 6, ".match") == 0) {
        path.len -= 6;
        path.data[path.len] = '\0';
        if (gla_buf_puts(&path, ".names") == GLA_OK) {
            cached = 1;
            if (gla_names_load_file(out, path.data, stamp, opts) == GLA_OK) {
                gla_buf_dispose(&path);
                return GLA_OK;
            }
        }
    }
    int rc = gla_names_load(out, db, opts, errbuf);
    /* A cache that cannot be written is no error: the next run builds. */
    if (rc == GLA_OK && cached)
        (void)gla_names_save(*out, path.data, stamp);
    gla_buf_dispose(&path);
    return rc;
}
