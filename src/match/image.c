/*
 * The matcher image: checking one (built here or mapped from a cache
 * file), saving it atomically, and reading concepts and terms out of it.
 * Opening a cache maps the file and checks its header, nothing more, so a
 * million-term glossary opens in the time of a few page faults.
 */
#define _POSIX_C_SOURCE 200809L
#include "tokens.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(gla_matcher *m, int rc, const char *what)
{
    snprintf(m->err, sizeof m->err, "%s", what);
    return rc;
}

int gla__matcher_attach(gla_matcher *m, const unsigned char *base, size_t size)
{
    if (size < sizeof(img_header))
        return fail(m, GLA_EPARSE, "too short to be a matcher image");
    const img_header *h = (const img_header *)base;
    if (memcmp(h->magic, IMG_MAGIC, 8) != 0)
        return fail(m, GLA_EPARSE, "not a matcher image (bad magic)");
    if (h->endian != IMG_ENDIAN || h->format != IMG_FORMAT ||
        h->build != gla__build_id())
        return fail(m, GLA_EPARSE,
                    "made by another version of glossalign or another "
                    "kind of machine");
    if (h->check != gla__hash_bytes(h, offsetof(img_header, check)))
        return fail(m, GLA_EPARSE, "damaged header");
    if (h->size != size)
        return fail(m, GLA_EPARSE, "truncated or padded image");
    if (!memchr(h->lang, '\0', sizeof h->lang))
        return fail(m, GLA_EPARSE, "damaged header");
    for (int i = 0; i < SEC_COUNT; i++)
        if (h->off[i] > size || h->len[i] > size - h->off[i] ||
            (h->off[i] & 7) || h->off[i] < sizeof *h)
            return fail(m, GLA_EPARSE, "a section lies outside the image");
    const uint64_t *len = h->len;
    if (len[SEC_STR] == 0 || base[h->off[SEC_STR] + len[SEC_STR] - 1] != 0 ||
        len[SEC_STR] >= UINT32_MAX ||
        len[SEC_DSLOTS] != ((uint64_t)h->dict_mask + 1) * 4 ||
        (h->dict_mask & ((uint64_t)h->dict_mask + 1)) != 0 ||
        len[SEC_DKEYS] != ((uint64_t)h->n_dict + 1) * sizeof(img_dkey) ||
        len[SEC_FORMS] != (uint64_t)h->n_forms * sizeof(img_form) ||
        len[SEC_PATS] != (uint64_t)h->n_patterns * sizeof(img_pat) ||
        len[SEC_PATFORMS] % 4 ||
        len[SEC_ENTRIES] != (uint64_t)h->n_entries * sizeof(img_entry) ||
        len[SEC_TERMS] != (uint64_t)h->n_terms * sizeof(img_term) ||
        len[SEC_REFIDX] != (uint64_t)h->n_entries * 4 ||
        len[SEC_LOWSTART] % 4 ||
        h->max_len > GLA_MATCH_MAX_TOKENS)
        return fail(m, GLA_EPARSE, "inconsistent section sizes");
    m->base = base;
    m->size = size;
    m->h = h;
    m->str = (const char *)base + h->off[SEC_STR];
    m->str_len = len[SEC_STR];
    m->dslots = (const uint32_t *)(base + h->off[SEC_DSLOTS]);
    m->dkeys = (const img_dkey *)(base + h->off[SEC_DKEYS]);
    m->forms = (const img_form *)(base + h->off[SEC_FORMS]);
    m->pats = (const img_pat *)(base + h->off[SEC_PATS]);
    m->patforms = (const uint32_t *)(base + h->off[SEC_PATFORMS]);
    m->n_patforms = len[SEC_PATFORMS] / 4;
    m->entries = (const img_entry *)(base + h->off[SEC_ENTRIES]);
    m->terms = (const img_term *)(base + h->off[SEC_TERMS]);
    m->refidx = (const uint32_t *)(base + h->off[SEC_REFIDX]);
    m->lowstart = (const uint32_t *)(base + h->off[SEC_LOWSTART]);
    m->n_lowstart = len[SEC_LOWSTART] / 4;
    for (int c = 0; c < CLS_COUNT; c++) {
        if (gla__ac_attach(&m->ac[c], base, size,
                           &h->off[SEC_AC0 + c * AC_SECTIONS],
                           &h->len[SEC_AC0 + c * AC_SECTIONS]) != GLA_OK)
            return fail(m, GLA_EPARSE, "damaged automaton");
    }
    return GLA_OK;
}

int gla__low_start(const gla_matcher *m, uint32_t id)
{
    size_t lo = 0, hi = m->n_lowstart;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->lowstart[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->n_lowstart && m->lowstart[lo] == id;
}

uint32_t gla__dict_find(const gla_matcher *m, const char *s, size_t len)
{
    if (len == 0)
        return 0;
    uint64_t h = gla__hash_bytes(s, len);
    uint32_t mask = m->h->dict_mask;
    size_t j = h & mask;
    for (size_t probes = 0; probes <= mask; probes++) {
        uint32_t id = m->dslots[j];
        if (id == 0 || id > m->h->n_dict)
            return 0;
        const img_dkey *k = &m->dkeys[id];
        if (k->hash == (uint32_t)h && k->len == len &&
            k->off < m->str_len && len <= m->str_len - k->off &&
            memcmp(m->str + k->off, s, len) == 0)
            return id;
        j = (j + 1) & mask;
    }
    return 0;
}

void gla_matcher_free(gla_matcher *m)
{
    if (!m)
        return;
    if (m->map)
        munmap(m->map, m->map_len);
    free(m->owned);
    free(m);
}

const char *gla_matcher_errmsg(const gla_matcher *m)
{
    return m ? m->err : "";
}

void gla_matcher_stats_get(gla_matcher_stats *out, const gla_matcher *m)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    if (!m || !m->h)
        return;
    out->entries = m->h->n_entries;
    out->terms = m->h->n_terms;
    out->patterns = m->h->n_patterns;
    out->skipped_terms = m->h->skipped;
    out->vocabulary = m->h->n_dict;
    for (int c = 0; c < CLS_COUNT; c++)
        out->states += m->ac[c].n_states;
    out->image_bytes = m->size;
    out->mapped = m->map != NULL;
}

uint64_t gla_matcher_stamp(const gla_matcher *m)
{
    return m && m->h ? m->h->stamp : 0;
}

const char *gla_matcher_source_lang(const gla_matcher *m)
{
    return m && m->h ? m->h->lang : "";
}

size_t gla_matcher_entry_count(const gla_matcher *m)
{
    return m && m->h ? m->h->n_entries : 0;
}

int gla_matcher_entry(gla_match_entry *out, const gla_matcher *m,
                      uint32_t idx)
{
    if (!out || !m || !m->h || idx >= m->h->n_entries)
        return GLA_EINVAL;
    const img_entry *e = &m->entries[idx];
    out->id = e->id;
    out->ref = gla__str(m, e->ref);
    out->kind = (gla_kind)e->kind;
    out->canonical = gla__str(m, e->canonical);
    out->n_terms = e->first_term <= m->h->n_terms &&
                           e->n_terms <= m->h->n_terms - e->first_term
                       ? e->n_terms
                       : 0;
    return GLA_OK;
}

int gla_matcher_term(gla_match_term *out, const gla_matcher *m, uint32_t idx,
                     size_t i)
{
    gla_match_entry e;
    if (!out || gla_matcher_entry(&e, m, idx) != GLA_OK || i >= e.n_terms)
        return GLA_EINVAL;
    const img_term *t = &m->terms[m->entries[idx].first_term + i];
    out->lang = gla__str(m, t->lang);
    out->text = gla__str(m, t->text);
    out->status = (gla_status)t->status;
    out->type = (gla_term_type)t->type;
    return GLA_OK;
}

int gla_matcher_find_ref(uint32_t *out, const gla_matcher *m, const char *ref)
{
    if (!out || !m || !m->h || !ref)
        return GLA_EINVAL;
    size_t lo = 0, hi = m->h->n_entries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t e = m->refidx[mid];
        if (e >= m->h->n_entries)
            return GLA_ENOTFOUND;
        int c = strcmp(gla__str(m, m->entries[e].ref), ref);
        if (c == 0) {
            *out = e;
            return GLA_OK;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return GLA_ENOTFOUND;
}

int gla_matcher_targets(gla_buf *out, const gla_matcher *m, uint32_t idx,
                        const char *lang)
{
    gla_match_entry e;
    if (!out || !lang || gla_matcher_entry(&e, m, idx) != GLA_OK)
        return GLA_EINVAL;
    /* Preferred terms; failing those, admitted ones. Full forms before
     * acronyms and variants within each. */
    static const gla_status want[2] = {GLA_STATUS_PREFERRED,
                                       GLA_STATUS_ADMITTED};
    /* the terms read in place: e.n_terms is checked against the image */
    const img_term *ts = m->terms + m->entries[idx].first_term;
    for (int w = 0; w < 2; w++) {
        int any = 0;
        for (int full = 1; full >= 0; full--) {
            for (size_t i = 0; i < e.n_terms; i++) {
                const img_term *t = &ts[i];
                if (t->status != (uint8_t)want[w] ||
                    (t->type == GLA_TYPE_FULL_FORM) != full ||
                    strcmp(gla__str(m, t->lang), lang) != 0)
                    continue;
                if ((any && gla_buf_puts(out, " | ") != GLA_OK) ||
                    gla_buf_puts(out, gla__str(m, t->text)) != GLA_OK)
                    return GLA_ENOMEM;
                any = 1;
            }
        }
        if (any)
            break;
    }
    return GLA_OK;
}

/* ---- cache files -------------------------------------------------------- */

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n > (1u << 30) ? (1u << 30) : n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int gla_matcher_save(gla_matcher *m, const char *path)
{
    if (!m || !m->h || !path)
        return GLA_EINVAL;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 32);
    if (!tmp)
        return GLA_ENOMEM;
    snprintf(tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(m->err, sizeof m->err, "cannot create '%s': %s", tmp,
                 strerror(errno));
        free(tmp);
        return GLA_EIO;
    }
    int bad = write_all(fd, m->base, m->size) != 0;
    int err = errno;
    if (close(fd) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    if (!bad && rename(tmp, path) != 0) {
        bad = 1;
        err = errno;
    }
    if (bad) {
        snprintf(m->err, sizeof m->err, "cannot write '%s': %s", path,
                 strerror(err));
        unlink(tmp);
        free(tmp);
        return GLA_EIO;
    }
    free(tmp);
    return GLA_OK;
}

int gla_matcher_load(gla_matcher **out, const char *path, uint64_t stamp,
                     const char *source_lang)
{
    if (!out)
        return GLA_EINVAL;
    gla_matcher *m = calloc(1, sizeof *m);
    *out = m;
    if (!m)
        return GLA_ENOMEM;
    if (!path)
        return fail(m, GLA_EINVAL, "no cache path");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(m->err, sizeof m->err, "cannot open '%s': %s", path,
                 strerror(e));
        return e == ENOENT ? GLA_ENOTFOUND : GLA_EIO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        snprintf(m->err, sizeof m->err, "'%s' is not a regular file", path);
        return GLA_EIO;
    }
    if ((uint64_t)st.st_size < sizeof(img_header)) {
        close(fd);
        snprintf(m->err, sizeof m->err, "'%s': too short to be a matcher "
                 "image", path);
        return GLA_EPARSE;
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    int e = errno;
    close(fd);
    if (p == MAP_FAILED) {
        snprintf(m->err, sizeof m->err, "cannot map '%s': %s", path,
                 strerror(e));
        return GLA_EIO;
    }
    m->map = p;
    m->map_len = (size_t)st.st_size;
    char why[200];
    int rc = gla__matcher_attach(m, p, (size_t)st.st_size);
    if (rc != GLA_OK) {
        snprintf(why, sizeof why, "%.190s", m->err);
        snprintf(m->err, sizeof m->err, "'%.300s': %s", path, why);
        return rc;
    }
    const char *lang = source_lang ? source_lang : "fr";
    if ((stamp && m->h->stamp != stamp) || strcmp(m->h->lang, lang) != 0) {
        snprintf(m->err, sizeof m->err,
                 "'%s' was built from another version of the glossary or "
                 "for another language",
                 path);
        return GLA_EEXISTS;
    }
    return GLA_OK;
}
