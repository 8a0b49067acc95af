/*
 * The page's files compiled into the binary (generated serve_assets.c, from
 * src/cli/serve/assets/ by embed.cmake): requests can name only these.
 */
#ifndef GLA_SERVE_ASSETS_H
#define GLA_SERVE_ASSETS_H

#include <stddef.h>

typedef struct serve_asset {
    const char *path;          /* "/assets/app.js" */
    const char *type;          /* Content-Type */
    const unsigned char *data; /* bytes (followed by one NUL) */
    size_t len;                /* length without the NUL */
} serve_asset;

extern const serve_asset serve_assets[];
extern const size_t serve_n_assets;

#endif
